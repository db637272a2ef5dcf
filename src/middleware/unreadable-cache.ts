/**
 * A session cache cookie BetterAuth cannot read is dropped before the routes. BetterAuth's
 * `decodeCookieCache` (better-auth cookies/index.mjs) base64url-decodes the cookie before any
 * check, and a foreign character makes it throw, so get-session, the guard and every route that
 * reads the session answer 500 `FAILED_TO_GET_SESSION` instead of treating the cache as absent.
 * BetterAuth only ever writes base64url there, so such a cookie is junk (or an attack): without it
 * the session is read from the database, as with no cache at all.
 */
import type { MiddlewareHandler } from 'hono'
import type { ServiceContext } from '../context.ts'
import { cookiePairs } from '../http/cookies.ts'
import { HEADERS } from '../http/headers.ts'

const READABLE = /^[A-Za-z0-9_-]*={0,2}$/

/** The Cookie header without unreadable cache cookies (or their chunks `name.0`, …); null when there are none. */
export function withoutUnreadableCache(cookieHeader: string | null, cacheCookieName: string): string | null {
  if (!cookieHeader?.includes(cacheCookieName)) return null
  const pairs = [...cookiePairs(cookieHeader)]
  const isCache = (name: string) => name === cacheCookieName || name.startsWith(`${cacheCookieName}.`)
  const kept = pairs.filter(({ name, value }) => !isCache(name) || READABLE.test(value))
  return kept.length === pairs.length ? null : kept.map(({ name, value }) => `${name}=${value}`).join('; ')
}

export function dropUnreadableCache({ authCookies }: ServiceContext): MiddlewareHandler {
  const cacheCookieName = authCookies.then((c) => c.sessionData.name)
  return async function dropUnreadableSessionCache(c, next) {
    const cookie = withoutUnreadableCache(c.req.raw.headers.get(HEADERS.cookie), await cacheCookieName)
    if (cookie !== null) {
      const headers = new Headers(c.req.raw.headers)
      headers.set(HEADERS.cookie, cookie)
      c.req.raw = new Request(c.req.raw, { headers })
    }
    return next()
  }
}
