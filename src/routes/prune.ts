/**
 * The retention of the auth event log: events older than AUTH_EVENT_RETENTION_DAYS (default 90)
 * are deleted by a scheduled prune.
 *
 * - Workers: a Cron Trigger (`[triggers] crons` in wrangler.toml) calls the Worker's `scheduled`
 *   handler (`scheduledPrune`, src/index.ts).
 * - Vercel: a cron job (`crons` in vercel.json) sends `GET /api/cron/prune-auth-events` with
 *   `Authorization: Bearer <CRON_SECRET>`, as Vercel does when CRON_SECRET is set.
 * - Node: `src/node.ts` prunes on start and every 6 hours; the route works there too.
 */
import { Hono } from 'hono/tiny'
import type { EnvBindings } from '../config/env.ts'
import type { AppEnv, ContextResult, ServiceContext } from '../context.ts'
import { serviceError } from '../errors.ts'
import { HEADERS } from '../http/headers.ts'
import { operatorAccess } from '../http/operator-bearer.ts'
import { logEvent } from '../logging.ts'

export const PRUNE_PATH = '/api/cron/prune-auth-events'

/** Prunes the events older than the retention, logs how many went, and resolves to that count. */
export async function pruneAuthEvents(service: ServiceContext, now = new Date()): Promise<number> {
  const retentionDays = service.config.operator.authEventRetentionDays
  const deleted = await service.authEvents.prune(retentionDays, now)
  logEvent('info', 'auth_events_pruned', { deleted, retentionDays })
  return deleted
}

/**
 * The Worker's `scheduled` handler: the prune for a Cron Trigger, kept alive by `waitUntil`.
 *
 * @example
 * export default { fetch: app.fetch, scheduled: scheduledPrune(resolveContext) }
 */
export function scheduledPrune(resolveContext: (env: EnvBindings) => ContextResult) {
  return function scheduled(
    _controller: unknown,
    env: EnvBindings,
    ctx: { waitUntil(promise: Promise<unknown>): void },
  ) {
    const result = resolveContext(env)
    if (!result.ok) return
    ctx.waitUntil(
      pruneAuthEvents(result.service).catch((error: unknown) =>
        logEvent('error', 'auth_events_prune_failed', { error }),
      ),
    )
  }
}

/**
 * `GET /api/cron/prune-auth-events` with `Authorization: Bearer <CRON_SECRET>` (Vercel's cron jobs send
 * it): 401 without it, and 404 where CRON_SECRET is unset (Workers use the Cron Trigger instead).
 */
export function pruneRoutes() {
  const routes = new Hono<AppEnv>()
  routes.get(PRUNE_PATH, async function pruneRoute(c) {
    const expected = c.var.service.config.operator.cronSecret
    if (expected === undefined) throw serviceError('NOT_FOUND', `No route for GET ${PRUNE_PATH}`)
    if ((await operatorAccess(c.req.raw.headers, expected)) !== 'granted') throw serviceError('INVALID_CRON_SECRET')
    c.header(HEADERS.cacheControl, 'no-store')
    return c.json({ deleted: await pruneAuthEvents(c.var.service) })
  })
  return routes
}
