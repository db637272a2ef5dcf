/**
 * A bearer client gets no session cache cookie. BetterAuth's get-session sets the cache cookie
 * after every database read, whatever the credential; a client that sent its session as
 * `Authorization: Bearer` and no session cookie cannot use it (the cache answers only beside the
 * session cookie it belongs to, cache-cookie.ts), and it would put a cookie, holding the user's
 * session data, in a client that keeps none. Its Set-Cookie lines are dropped from such answers.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv, ServiceContext } from '../context.ts'
import { HEADERS } from '../http/headers.ts'

/** Whether a Set-Cookie line sets the cache cookie `name` (or one of its chunks `name.0`, …). */
function setsCache(line: string, name: string): boolean {
  const cookie = line.slice(0, line.indexOf('=')).trim()
  return cookie === name || cookie.startsWith(`${name}.`)
}

export function noCacheForBearer({ authCookies }: ServiceContext): MiddlewareHandler<AppEnv> {
  const cacheName = authCookies.then((c) => c.sessionData.name)
  return async function noSessionCacheForBearer(c, next) {
    await next()
    const { bearer, cookies, cookieName } = c.var.credentials
    if (!bearer || cookies.has(cookieName)) return
    const cache = await cacheName
    const lines = c.res.headers.getSetCookie()
    if (!lines.some((line) => setsCache(line, cache))) return
    c.res = new Response(c.res.body, c.res)
    c.res.headers.delete(HEADERS.setCookie)
    for (const line of lines) if (!setsCache(line, cache)) c.res.headers.append(HEADERS.setCookie, line)
  }
}
