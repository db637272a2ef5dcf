/**
 * The edge-auth application: one Hono app for every target (workerd, Vercel Edge, Node).
 * Targets differ only in where the environment comes from.
 */
import { Hono } from 'hono'
import { handleAuthRequest } from './auth/handler.ts'
import { limitBody } from './auth/limits.ts'
import type { EnvBindings } from './config/index.ts'
import { corsFor } from './cors/index.ts'
import { diagnosticsRoutes } from './diagnostics/index.ts'
import { handleError, handleNotFound } from './errors.ts'
import { handoffRoutes } from './handoff/index.ts'
import { healthRoutes } from './health/index.ts'
import { type Runtime, resolveRuntime } from './runtime.ts'
import { sessionsRoutes } from './sessions/index.ts'
import { jwksRoutes } from './tokens/routes.ts'

export type AppEnv = { Bindings: EnvBindings; Variables: { runtime: Runtime } }

/**
 * Creates the app. Invalid configuration answers every route but the health routes with
 * 500 `{"error":"CONFIG_INVALID","problems":[…]}`.
 *
 * @example
 * export default createApp() // a Worker: fetch(request, env, ctx)
 */
export function createApp() {
  const app = new Hono<AppEnv>()
  app.onError(handleError)
  app.notFound(handleNotFound)

  app.route('/', healthRoutes())

  app.use('*', async function requireRuntime(c, next) {
    const result = resolveRuntime(c.env)
    if (!result.ok) {
      return c.json(
        { error: 'CONFIG_INVALID', message: 'The service is misconfigured.', problems: result.problems },
        500,
      )
    }
    c.set('runtime', result.runtime)
    await next()
  })
  app.use('*', (c, next) => corsFor(c.var.runtime.config)(c, next))
  app.use('/api/*', limitBody)

  app.route('/', diagnosticsRoutes())
  app.route('/', handoffRoutes())
  app.route('/', jwksRoutes())
  app.route('/', sessionsRoutes())
  app.on(['GET', 'POST'], '/api/auth/*', handleAuthRequest)

  return app
}
