/**
 * Vercel Edge entry. Vercel passes no bindings to an Edge Function: the environment is
 * `process.env`, the same object on every request, so configuration is parsed once per isolate.
 * Background work goes to `waitUntil` from `@vercel/functions` (Vercel's request context). The
 * client's address is `ipAddress()` of the same package: X-Real-IP, which Vercel's edge sets
 * (it overwrites X-Forwarded-For and X-Real-IP and forwards no address a client sent).
 *
 * Built into `.vercel/output/functions/index.func/index.js` by `npm run build:vercel`.
 *
 * @example
 * // .vercel/output/functions/index.func/.vc-config.json
 * // { "runtime": "edge", "entrypoint": "index.js" }
 * const response = await handler(new Request('https://auth.example.com/health'))
 */
import { ipAddress, waitUntil } from '@vercel/functions'
import { createApp } from './app.ts'
import type { EnvBindings } from './config/env.ts'

/** Tells Vercel (and readers) that this entry targets the Edge runtime. */
export const config = { runtime: 'edge' }

// No SMTP: Edge Functions have no TCP sockets, so SMTP_URL is a configuration problem here (RESEND_API_KEY works).
const app = createApp({ waitUntil, runtime: 'Vercel Edge', clientAddress: (request) => ipAddress(request) })
const env = process.env as EnvBindings

/** The Edge Function: `(request) => Response`, with `process.env` as the bindings. */
export default function handler(request: Request): Promise<Response> | Response {
  return app.fetch(request, env)
}
