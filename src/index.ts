/**
 * Cloudflare Workers entry: the bindings are the environment, and `waitUntil` from
 * `cloudflare:workers` keeps background work (null-session reports, auth events, BetterAuth's own)
 * alive after the response. `scheduled` runs the auth event prune for the Cron Trigger in wrangler.toml.
 */
import { waitUntil } from 'cloudflare:workers'
import { createApp } from './app.ts'
import { createContextResolver } from './context.ts'
import { scheduledPrune } from './events/prune.ts'

const platform = { waitUntil }
const resolveContext = createContextResolver(platform)
const app = createApp(platform, resolveContext)

export default { fetch: app.fetch, scheduled: scheduledPrune(resolveContext) }
