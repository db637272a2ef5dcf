/**
 * Vercel Edge entry. Vercel passes no bindings to an Edge Function: the environment is
 * `process.env`, the same object on every request, so configuration is parsed once per isolate.
 *
 * Built into `.vercel/output/functions/index.func/index.js` by `npm run build:vercel`.
 *
 * @example
 * // .vercel/output/functions/index.func/.vc-config.json
 * // { "runtime": "edge", "entrypoint": "index.js" }
 * const response = await handler(new Request('https://auth.example.com/health'))
 */
import { Hono } from 'hono'
import { handle } from 'hono/vercel'
import { createApp } from './app.ts'
import type { EnvBindings } from './config/index.ts'

/** Tells Vercel (and readers) that this entry targets the Edge runtime. */
export const config = { runtime: 'edge' }

const app = createApp()
const edge = new Hono().all('*', (c) => app.fetch(c.req.raw, process.env as EnvBindings))

/** The Edge Function: `(request) => Response`. */
export default handle(edge)
