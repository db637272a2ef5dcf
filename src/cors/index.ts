/**
 * CORS from the one allowlist (`TRUSTED_ORIGINS`) that BetterAuth also trusts: the exact
 * request origin echoed, credentials allowed, `Vary: Origin`, and the headers a browser
 * client must read (`set-auth-token`, `set-auth-jwt`) exposed. Untrusted origins get no CORS headers.
 */
import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import type { Config } from '../config/index.ts'

export const EXPOSED_HEADERS = ['set-auth-token', 'set-auth-jwt']
export const ALLOWED_HEADERS = ['Content-Type', 'Authorization']
export const ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const PREFLIGHT_MAX_AGE_SECONDS = 600

const middlewareByConfig = new WeakMap<Config, MiddlewareHandler>()

/**
 * The CORS middleware for a configuration, built once per config.
 *
 * @example
 * app.use('*', (c, next) => corsFor(c.var.runtime.config)(c, next))
 */
export function corsFor(config: Config): MiddlewareHandler {
  let middleware = middlewareByConfig.get(config)
  if (!middleware) {
    const { isTrustedOrigin } = config
    middleware = cors({
      origin: (origin) => (isTrustedOrigin(origin) ? origin : null),
      credentials: true,
      allowHeaders: ALLOWED_HEADERS,
      allowMethods: ALLOWED_METHODS,
      exposeHeaders: EXPOSED_HEADERS,
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    })
    middlewareByConfig.set(config, middleware)
  }
  return middleware
}
