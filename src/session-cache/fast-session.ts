/**
 * A fast path for `GET /api/auth/get-session` on a session cache hit. Through BetterAuth's router
 * a cache hit costs several milliseconds of CPU (router, hooks, zod, decrypting and importing the
 * JWT signing key for `set-auth-jwt`); here it is two HMAC checks, BetterAuth's payload schemas and
 * one Ed25519 signature, answered exactly as BetterAuth answers a hit: the same body, `no-store`,
 * `pragma`, `set-auth-jwt`, and no `Set-Cookie` (a database-backed BetterAuth never refreshes
 * cookies on a hit). Everything else (no or stale cache, a query string, a bearer token, POST) goes
 * on to BetterAuth, which also renews or clears the cache cookie.
 *
 * One difference: BetterAuth's rate limiter counts get-session requests, a cache hit here does not
 * (it costs no database work; the 429 would cost as much CPU as the answer).
 */
import { getAuthTables } from '@better-auth/core/db'
import type { RequestCredentials } from '../credentials/request-credential.ts'
import { TIMED_OUT, within } from '../deadline.ts'
import { logEvent } from '../logging.ts'
import { type CachedSession, createCacheCookieReader } from './cache-cookie.ts'
import { type AuthContext, createSessionJwtSigner, jwtPluginOptions } from './session-jwt.ts'

/** Answers a request (with its credential as read once) from the session cache, or null when BetterAuth must. */
export type FastSession = (request: Request, credentials: RequestCredentials) => Promise<Response | null>

type Model = 'session' | 'user'

/**
 * How long a cache hit waits for its JWT. Signing needs the signing keys, which a fresh isolate
 * reads from the database: when that read is slow (the database hangs), the session is answered
 * without `set-auth-jwt` rather than after the database deadline, and the read goes on in the
 * background, so the next hit signs from the isolate's keys.
 */
export const JWT_PATIENCE_MS = 75

/**
 * BetterAuth's parseSessionOutput / parseUserOutput (better-auth/dist/db/schema): the record without
 * the fields marked `returned: false` (core schema, additional fields, plugins), keys in order.
 * Its own export would bring better-auth/db's whole index into the bundle.
 */
function outputFilter(options: AuthContext['options'], model: Model) {
  const fields: Record<string, { returned?: boolean }> = {
    ...(getAuthTables(options)[model]?.fields ?? {}),
    ...(options[model]?.additionalFields ?? {}),
  }
  for (const plugin of options.plugins ?? []) Object.assign(fields, plugin.schema?.[model]?.fields ?? {})
  const hidden = new Set(Object.keys(fields).filter((key) => fields[key]!.returned === false))
  return <T extends object>(record: T) =>
    Object.fromEntries(Object.entries(record).filter(([key]) => !hidden.has(key))) as T
}

const dates = <T extends { createdAt: Date; updatedAt: Date }>(record: T) => ({
  ...record,
  createdAt: new Date(record.createdAt),
  updatedAt: new Date(record.updatedAt),
})

/**
 * Built once per isolate (context.ts) from the BetterAuth instance: its cookie names, secret,
 * options and JWT plugin.
 *
 * @example
 * const answer = await createFastSession(auth, platform.waitUntil)
 * const response = (await answer(request, c.var.credentials)) ?? (await auth.handler(request))
 */
export async function createFastSession(
  auth: { readonly $context: Promise<unknown> },
  waitUntil: (work: Promise<unknown>) => void,
): Promise<FastSession> {
  // The instance's own context, typed as plugins see it.
  const context = (await auth.$context) as unknown as AuthContext
  const { options, authCookies } = context
  const read = createCacheCookieReader({ cacheCookieName: authCookies.sessionData.name, secret: context.secret })
  const jwtOptions = jwtPluginOptions(context)
  const signJwt = jwtOptions ? createSessionJwtSigner(context, jwtOptions) : undefined

  const sessionOutput = outputFilter(options, 'session')
  const userOutput = outputFilter(options, 'user')

  function body(cached: CachedSession) {
    const { session, user } = cached
    return {
      session: sessionOutput({ ...dates(session), expiresAt: new Date(session.expiresAt) }),
      user: userOutput(dates(user)),
    }
  }

  return async function answerFromCache(request, credentials) {
    if (request.headers.has('authorization')) return null
    const cached = await read(credentials, Date.now())
    if (!cached) return null
    const headers = new Headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
    if (signJwt) {
      // As plugins/jwt.ts does for BetterAuth's answer: a failure drops the header, never the session.
      const signing = signJwt(cached).catch((error: unknown) => {
        logEvent('error', 'jwt_signing_failed', { error })
        return undefined
      })
      const jwt = await within(signing, JWT_PATIENCE_MS)
      if (jwt === TIMED_OUT) waitUntil(signing)
      else if (jwt) headers.set('set-auth-jwt', jwt)
    }
    headers.set('content-type', 'application/json')
    return new Response(JSON.stringify(body(cached)), { status: 200, headers })
  }
}
