/**
 * Reads the request's credential once, early, and keeps it on the request (`c.var.credentials`,
 * credentials/request-credential.ts); what needs it verified verifies it on first need.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv, ServiceContext } from '../context.ts'
import { readCredentials } from '../credentials/request-credential.ts'

export function readCredential({ signer, sessionCookie }: ServiceContext): MiddlewareHandler<AppEnv> {
  return async function readCredential(c, next) {
    c.set('credentials', readCredentials(c.req.raw.headers, (await sessionCookie).name, signer))
    await next()
  }
}
