/**
 * The retention of the auth event log: events older than AUTH_EVENT_RETENTION_DAYS (default 90)
 * are deleted by a scheduled prune. The same prune deletes the rows whose time is over: expired
 * verification values (email links and codes BetterAuth never deletes unless used) and expired
 * rate-limit counters (each counted request prunes only a few).
 *
 * - Workers: a Cron Trigger (`[triggers] crons` in wrangler.toml) calls the Worker's `scheduled`
 *   handler (`scheduledPrune`, src/index.ts).
 * - Vercel: a cron job (`crons` in vercel.json) sends `GET /api/cron/prune-auth-events` with
 *   `Authorization: Bearer <CRON_SECRET>`, as Vercel does when CRON_SECRET is set.
 * - Node: `src/node.ts` prunes on start and every 6 hours; the route works there too.
 */
import { lt, sql } from 'drizzle-orm'
import { Hono } from 'hono/tiny'
import { rateLimit, verification } from '../../db/schema.ts'
import type { EnvBindings } from '../config/env.ts'
import type { AppEnv, ContextResult, ServiceContext } from '../context.ts'
import { serviceError } from '../errors.ts'
import { HEADERS } from '../http/headers.ts'
import { operatorAccess } from '../http/operator-bearer.ts'
import { logEvent } from '../logging.ts'

export const PRUNE_PATH = '/api/cron/prune-auth-events'

/**
 * Prunes the events older than the retention and the expired verification values and counters,
 * logs how many went, and resolves to the count of events.
 */
export async function pruneAuthEvents(service: ServiceContext, now = new Date()): Promise<number> {
  const retentionDays = service.config.operator.authEventRetentionDays
  const deleted = await service.authEvents.prune(retentionDays, now)
  const { db } = service.database
  const [verifications, counters] = await Promise.all([
    db.execute<{ n: number }>(
      sql`with gone as (delete from ${verification} where ${lt(verification.expiresAt, now)} returning 1) select count(*)::int as n from gone`,
    ),
    db.execute<{ n: number }>(
      sql`with gone as (delete from ${rateLimit} where ${lt(rateLimit.resetAt, now)} returning 1) select count(*)::int as n from gone`,
    ),
  ])
  logEvent('info', 'auth_events_pruned', {
    deleted,
    retentionDays,
    expiredVerifications: verifications.rows[0]?.n ?? 0,
    expiredCounters: counters.rows[0]?.n ?? 0,
  })
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
