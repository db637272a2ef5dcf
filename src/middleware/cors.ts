/**
 * CORS from the one allowlist (`TRUSTED_ORIGINS`) that BetterAuth also trusts: the exact
 * request origin echoed, credentials allowed, `Vary: Origin`, and the headers a browser
 * client must read (`set-auth-token`, `set-auth-jwt`) exposed. Untrusted origins get no CORS headers.
 */
import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import type { ServiceContext } from '../context.ts'
import { HEADERS } from '../http/headers.ts'

export const EXPOSED_HEADERS = [HEADERS.sessionToken, HEADERS.jwt]
export const ALLOWED_HEADERS = ['Content-Type', 'Authorization']
export const ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const PREFLIGHT_MAX_AGE_SECONDS = 600

export function corsMiddleware({ config }: ServiceContext): MiddlewareHandler {
  const { isTrustedOrigin } = config
  return cors({
    origin: (origin) => (isTrustedOrigin(origin) ? origin : null),
    credentials: true,
    allowHeaders: ALLOWED_HEADERS,
    allowMethods: ALLOWED_METHODS,
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  })
}
