/**
 * `/api/auth/*`: BetterAuth's handler. Credentials from older secrets are re-signed before it
 * (credentials/upgrade.ts), null sessions are reported by its own hooks (diagnostics/). Its two
 * answers outside the house shape are rewritten: the empty 404 for a path it does not know, and
 * the 429 of its rate limiter (`{message}` with a non-standard `X-Retry-After`).
 */
import { Hono } from 'hono/tiny'
import type { AppEnv } from '../context.ts'
import { errorResponse, handleNotFound } from '../errors.ts'

const BETTER_AUTH_RETRY_AFTER = 'x-retry-after'

function rateLimited(response: Response): Response {
  const retryAfter = response.headers.get(BETTER_AUTH_RETRY_AFTER)
  const limited = errorResponse('RATE_LIMITED')
  if (retryAfter) limited.headers.set('Retry-After', retryAfter)
  return limited
}

/**
 * @example
 * app.route('/', authRoutes())
 */
export function authRoutes() {
  const routes = new Hono<AppEnv>()
  routes.on(['GET', 'POST'], '/api/auth/*', async function betterAuth(c) {
    const response = await c.var.service.auth.handler(c.req.raw)
    // BetterAuth's 404s (an unknown path; a disabled one answers text/plain) become ours.
    if (response.status === 404 && !response.headers.get('content-type')?.includes('json')) return handleNotFound(c)
    if (response.status === 429) return rateLimited(response)
    return response
  })
  return routes
}
