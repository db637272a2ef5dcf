/**
 * Secret rotation that logs nobody out (credentials/upgrade.ts): the routes behind this middleware
 * see credentials signed with the current secret. The request is replaced the way Hono's own
 * body-limit middleware replaces it.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv, ServiceContext } from '../context.ts'
import { readCredentials } from '../credentials/request-credential.ts'
import { createCredentialUpgrader } from '../credentials/upgrade.ts'

export function upgradeCredentials({ signer, authCookies }: ServiceContext): MiddlewareHandler<AppEnv> {
  const upgrader = authCookies.then((c) => createCredentialUpgrader(signer, [c.sessionToken, c.dontRememberToken]))
  return async function upgradeCredentials(c, next) {
    const { credentials } = c.var
    const upgraded = await (await upgrader)(c.req.raw, credentials)
    if (!upgraded) return next()
    c.req.raw = upgraded.request
    // The routes see the re-signed credential, read from the new request.
    c.set('credentials', readCredentials(upgraded.request.headers, credentials.cookieName, signer))
    await next()
    // A copy, so the headers are mutable whatever produced the response.
    c.res = new Response(c.res.body, c.res)
    upgraded.finish(c.res.headers)
  }
}
