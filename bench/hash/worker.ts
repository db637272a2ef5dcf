/**
 * The password check of a sign-in and nothing else, for `npm run bench:hash` (scripts/hash-cost.ts):
 * BetterAuth's own `verifyPassword` (scrypt, its hash format) on a hash made at first use. The same
 * file runs as a Worker in workerd and as an Edge Function in Vercel's Edge Runtime VM.
 */
import { hashPassword, verifyPassword } from 'better-auth/crypto'

const PASSWORD = 'bench password 1'
let stored: Promise<string> | undefined

export default {
  async fetch(): Promise<Response> {
    stored ??= hashPassword(PASSWORD)
    const ok = await verifyPassword({ hash: await stored, password: PASSWORD })
    return new Response(ok ? 'ok' : 'mismatch', { status: ok ? 200 : 500 })
  },
}
