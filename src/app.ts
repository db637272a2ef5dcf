/**
 * The edge-auth application: one Hono app for every target (workerd, Vercel Edge, Node). Targets
 * differ only in where the environment comes from and in their `Platform` (how work outlives a response).
 *
 * A request goes: health routes (which answer even when the configuration is invalid) → the
 * per-isolate context (or 500 CONFIG_INVALID) → /health/session (with CORS of its own) → CORS →
 * body limit → credential upgrade → routes.
 */
import { Hono } from 'hono/tiny'
import { limitBody } from './auth/limits.ts'
import { type AppEnv, createContextResolver } from './context.ts'
import { errorResponse, handleError, handleNotFound } from './errors.ts'
import { healthRoutes } from './health/index.ts'
import { sessionHealthRoutes } from './health/session.ts'
import type { Platform } from './platform.ts'
import { authRoutes } from './routes/auth.ts'
import { handoffRoutes } from './routes/handoff.ts'
import { jwksRoutes } from './routes/jwks.ts'
import { sessionsRoutes } from './routes/sessions.ts'
import { socialSignInRoutes } from './routes/social-sign-in.ts'

/**
 * Creates the app for a platform.
 *
 * @example
 * import { waitUntil } from 'cloudflare:workers'
 * export default createApp({ waitUntil }) // a Worker: fetch(request, env, ctx)
 */
export function createApp(platform: Platform) {
  const resolveContext = createContextResolver(platform)
  const app = new Hono<AppEnv>()
  app.onError(handleError)
  app.notFound(handleNotFound)

  app.route('/', healthRoutes(resolveContext))

  app.use('*', async function serviceContext(c, next) {
    const result = resolveContext(c.env)
    if (!result.ok) return errorResponse('CONFIG_INVALID', undefined, { problems: result.problems })
    c.set('service', result.service)
    await next()
  })
  app.route('/', sessionHealthRoutes())
  app.use('*', (c, next) => c.var.service.cors(c, next))
  app.use('/api/*', limitBody)
  app.use('/api/*', (c, next) => c.var.service.upgradeCredentials(c, next))
  app.use('/auth/*', (c, next) => c.var.service.upgradeCredentials(c, next))

  app.route('/', handoffRoutes())
  app.route('/', socialSignInRoutes())
  app.route('/', jwksRoutes())
  app.route('/', sessionsRoutes())
  app.route('/', authRoutes())

  return app
}
