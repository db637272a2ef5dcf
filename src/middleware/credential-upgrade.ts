/**
 * Secret rotation that logs nobody out (credentials/upgrade.ts): the routes behind this middleware
 * see credentials signed with the current secret. The request is replaced the way Hono's own
 * body-limit middleware replaces it.
 */
import type { MiddlewareHandler } from 'hono'
import type { ServiceContext } from '../context.ts'
import { createCredentialUpgrader } from '../credentials/upgrade.ts'

export function upgradeCredentials({ signer, authCookies }: ServiceContext): MiddlewareHandler {
  const upgrader = authCookies.then((c) => createCredentialUpgrader(signer, [c.sessionToken, c.dontRememberToken]))
  return async function upgradeCredentials(c, next) {
    const upgraded = await (await upgrader)(c.req.raw)
    if (!upgraded) return next()
    c.req.raw = upgraded.request
    await next()
    // A copy, so the headers are mutable whatever produced the response.
    c.res = new Response(c.res.body, c.res)
    upgraded.finish(c.res.headers)
  }
}
