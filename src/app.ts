/**
 * The edge-auth application: one Hono app for every target (workerd, Vercel Edge, Node). Targets
 * differ only in where the environment comes from and in their `Platform` (how work outlives a response).
 */
import { Hono } from 'hono/tiny'
import type { EnvBindings } from './config/env.ts'
import { type AppEnv, type ContextResult, createContextResolver } from './context.ts'
import { errorResponse, handleError, handleNotFound } from './errors.ts'
import { noCacheForBearer } from './middleware/bearer-clients.ts'
import { limitBody } from './middleware/body-limit.ts'
import { passClientAddress } from './middleware/client-address.ts'
import { corsMiddleware } from './middleware/cors.ts'
import { readCredential } from './middleware/credential.ts'
import { refuseNonAsciiCredentials } from './middleware/credential-bytes.ts'
import { upgradeCredentials } from './middleware/credential-upgrade.ts'
import { refuseCrossSiteSocialFetch } from './middleware/cross-site-social-fetch.ts'
import { databaseBudget } from './middleware/database-budget.ts'
import { requireOwnUserId, requireUser } from './middleware/guard.ts'
import { perContext } from './middleware/per-context.ts'
import { rateLimits } from './middleware/rate-limits.ts'
import { dropUnreadableCache } from './middleware/unreadable-cache.ts'
import type { Platform } from './platform/index.ts'
import { authRoutes } from './routes/auth.ts'
import { eventsRoutes } from './routes/events.ts'
import { fastSessionRoutes } from './routes/fast-session.ts'
import { handoffRoutes } from './routes/handoff.ts'
import { healthRoutes } from './routes/health/index.ts'
import { sessionHealthRoutes } from './routes/health/session.ts'
import { homeRoutes } from './routes/home.ts'
import { jwksRoutes } from './routes/jwks.ts'
import { PAGE_PATHS, pagesRoot, pagesRoutes } from './routes/pages/index.ts'
import { pruneRoutes } from './routes/prune.ts'
import { sessionsRoutes } from './routes/sessions.ts'
import { socialSignInRoutes } from './routes/social-sign-in/index.ts'

/**
 * Creates the app for a platform; an entry that also works outside requests (the Worker's
 * scheduled prune) passes the resolver it shares with the app.
 */
export function createApp(
  platform: Platform,
  resolveContext: (env: EnvBindings) => ContextResult = createContextResolver(platform),
) {
  const app = new Hono<AppEnv>()
  app.onError(handleError)
  app.notFound(handleNotFound)

  const cors = perContext(corsMiddleware)
  const upgrade = perContext(upgradeCredentials)
  const dropUnreadable = perContext(dropUnreadableCache)
  const address = perContext(passClientAddress)

  app.use('*', refuseNonAsciiCredentials())
  app.route('/', healthRoutes(resolveContext))
  app.get('/', pagesRoot(resolveContext))
  app.route('/', homeRoutes())

  app.use('*', async function serviceContext(c, next) {
    const result = resolveContext(c.env)
    if (!result.ok) return errorResponse('CONFIG_INVALID', undefined, { problems: result.problems })
    c.set('service', result.service)
    await next()
  })
  app.use('*', perContext(readCredential))
  app.use('*', perContext(databaseBudget))
  app.route('/', sessionHealthRoutes(cors))
  app.use('*', cors)
  app.use('/api/*', limitBody())
  app.use('/api/*', address)
  app.use('/auth/*', address)
  app.use('/api/*', upgrade)
  app.use('/auth/*', upgrade)
  app.use('/api/*', dropUnreadable)
  app.use('/auth/*', dropUnreadable)
  app.use('/api/auth/*', perContext(noCacheForBearer))
  app.use('/api/auth/*', perContext(rateLimits))

  app.use('/api/users/:userId/*', requireUser(), requireOwnUserId())
  for (const path of PAGE_PATHS) app.use(path, address, upgrade, dropUnreadable)
  app.route('/', pagesRoutes())

  app.route('/', handoffRoutes())
  app.route('/', socialSignInRoutes())
  app.post('/api/auth/sign-in/social', refuseCrossSiteSocialFetch())
  app.route('/', jwksRoutes())
  app.route('/', sessionsRoutes())
  app.route('/', eventsRoutes())
  app.route('/', pruneRoutes())
  app.route('/', fastSessionRoutes())
  app.route('/', authRoutes())

  return app
}
