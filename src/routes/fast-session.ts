/**
 * `GET /api/auth/get-session` answered from the session cache when it can be (see
 * session-cache/fast-session.ts), in front of BetterAuth's handler, which answers everything else.
 */
import { Hono } from 'hono/tiny'
import type { AppEnv } from '../context.ts'

export const GET_SESSION_PATH = '/api/auth/get-session'

export function fastSessionRoutes() {
  const routes = new Hono<AppEnv>()
  routes.get(GET_SESSION_PATH, async function fastSession(c, next) {
    const answer = c.var.service.fastSession
    // A query (disableCookieCache, disableRefresh) asks for BetterAuth's own handling.
    const response = answer && !c.req.url.includes('?') ? await (await answer)(c.req.raw, c.var.credentials) : null
    if (!response) return next()
    return response
  })
  return routes
}
