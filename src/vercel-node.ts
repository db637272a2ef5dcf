/**
 * Vercel Node.js function entry (Fluid compute). Vercel's Node launcher imports the handler module
 * and, for a default export with a `fetch` method (the Web handler form of Vercel's Node.js runtime,
 * the shape of a Hono app), calls `fetch(request)` with a Web `Request` and sends the `Response`
 * back. The environment is `process.env`, the same object for the process's lifetime, so
 * configuration is parsed once per instance. Background work goes to `waitUntil` from
 * `@vercel/functions`, which reaches the launcher's request context. The client's address is
 * `X-Real-IP`, which Vercel's edge sets (`ipAddress`), as on the Edge entry.
 *
 * Built into `.vercel/output/functions/index.func/index.mjs` by `npm run build:vercel` (the default
 * target; `-- --edge` builds src/vercel.ts instead).
 *
 * @example
 * // .vercel/output/functions/index.func/.vc-config.json
 * // { "runtime": "nodejs24.x", "handler": "index.mjs", "launcherType": "Nodejs", … }
 * const response = await handler.fetch(new Request('https://auth.example.com/health'))
 */
import { ipAddress, waitUntil } from '@vercel/functions'
import { createApp } from './app.ts'
import type { EnvBindings } from './config/env.ts'
import { nodeSmtpTransport } from './platform/smtp-node.ts'

const app = createApp({
  waitUntil,
  runtime: 'Node',
  smtp: nodeSmtpTransport,
  clientAddress: (request) => ipAddress(request),
})
const env = process.env as EnvBindings

/** The Node.js function: a Web handler, with `process.env` as the bindings. */
const handler = {
  fetch(request: Request): Promise<Response> | Response {
    return app.fetch(request, env)
  },
}

export default handler
