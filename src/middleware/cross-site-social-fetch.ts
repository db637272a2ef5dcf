/**
 * BetterAuth's own start of a social sign-in by fetch (`POST /api/auth/sign-in/social`), refused
 * where its state cookie could not come back: in cross-site mode, from a frontend on another site.
 * The answer names the navigation that works instead (routes/social-sign-in/).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context.ts'
import { serviceError } from '../errors.ts'
import { HEADERS } from '../http/headers.ts'
import { isCrossSite } from '../http/site.ts'
import { SOCIAL_SIGN_IN_PATH } from '../http/social-params.ts'

export function refuseCrossSiteSocialFetch(): MiddlewareHandler<AppEnv> {
  return async function refuseCrossSiteSocialFetch(c, next) {
    const { config } = c.var.service
    const origin = c.req.header(HEADERS.origin)
    if (config.cookies.mode === 'cross-site' && origin && isCrossSite(origin, config.baseURL)) {
      const body = (await c.req.raw
        .clone()
        .json()
        .catch(() => null)) as { provider?: unknown; idToken?: unknown } | null
      // An ID token sign-in (Google One Tap) has no redirect, so nothing to lose.
      if (!body?.idToken) {
        const provider = typeof body?.provider === 'string' ? body.provider : ':provider'
        throw serviceError('OAUTH_CROSS_SITE_FETCH', undefined, {
          signInURL: `${config.baseURL}${SOCIAL_SIGN_IN_PATH}/${encodeURIComponent(provider)}?callbackURL=…`,
        })
      }
    }
    await next()
  }
}
