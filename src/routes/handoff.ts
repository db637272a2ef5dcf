/**
 * Redirect hand-off across sites. A cookie set while the browser is on the service's own origin
 * (an OAuth callback, an email link) lands in the service's partition, where the frontend's
 * cross-site fetches never see it. So such flows end at
 *
 *   GET /auth/handoff?callbackURL=https://docs.example.com/signed-in
 *
 * which redirects to the callback URL with a single-use `ott` parameter; the frontend exchanges
 * it by fetch (`POST /api/auth/one-time-token/verify`) and gets its own cookie and bearer token.
 */
import { Hono } from 'hono/tiny'
import type { AppEnv } from '../context.ts'
import { serviceError } from '../errors.ts'
import { HANDOFF_ERROR_PARAM, HANDOFF_PATH, HANDOFF_TOKEN_PARAM } from '../http/handoff-params.ts'
import { HEADERS } from '../http/headers.ts'

export function handoffRoutes() {
  const routes = new Hono<AppEnv>()

  routes.get(HANDOFF_PATH, async function handoff(c) {
    const { config, auth } = c.var.service
    const raw = c.req.query('callbackURL')
    let callback: URL
    try {
      callback = new URL(raw ?? '')
    } catch {
      throw serviceError('INVALID_CALLBACK_URL')
    }
    if (!config.isTrustedOrigin(callback.origin)) {
      throw serviceError('UNTRUSTED_CALLBACK_URL')
    }
    const { headers } = c.req.raw
    const session = await auth.api.getSession({ headers })
    if (!session) {
      // An email link that failed (expired, used) arrives with BetterAuth's code in `error`.
      const failed = c.req.query('error')
      callback.searchParams.set(
        HANDOFF_ERROR_PARAM,
        failed && /^[A-Z_]{1,64}$/.test(failed) ? failed.toLowerCase() : 'no_session',
      )
      return c.redirect(callback.toString(), 302)
    }
    const { token } = await auth.api.generateOneTimeToken({ headers })
    callback.searchParams.set(HANDOFF_TOKEN_PARAM, token)
    c.header(HEADERS.cacheControl, 'no-store')
    c.header('Referrer-Policy', 'no-referrer')
    return c.redirect(callback.toString(), 302)
  })

  return routes
}
