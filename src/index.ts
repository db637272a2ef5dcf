/**
 * Cloudflare Workers entry: the bindings are the environment, and `waitUntil` from
 * `cloudflare:workers` keeps background work (null-session reports, auth events, BetterAuth's own)
 * alive after the response. The client's address is CF-Connecting-IP, which Cloudflare's edge
 * overwrites on every request from the internet. `scheduled` runs the auth event prune for the Cron
 * Trigger in wrangler.toml.
 */
import { waitUntil } from 'cloudflare:workers'
import { createApp } from './app.ts'
import { createContextResolver } from './context.ts'
import type { Platform } from './platform/index.ts'
import { workerSmtpTransport } from './platform/smtp-worker.ts'
import { scheduledPrune } from './routes/prune.ts'

const platform: Platform = {
  waitUntil,
  runtime: 'Cloudflare Workers',
  smtp: workerSmtpTransport,
  clientAddress: (request) => request.headers.get('cf-connecting-ip') ?? undefined,
}
const resolveContext = createContextResolver(platform)
const app = createApp(platform, resolveContext)

export default { fetch: app.fetch, scheduled: scheduledPrune(resolveContext) }
