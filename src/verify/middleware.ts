/**
 * A Hono middleware for downstream services: `Authorization: Bearer <jwt>` verified offline.
 */
import type { MiddlewareHandler } from 'hono'
import { bearerToken } from '../http/headers.ts'
import { AccessTokenError } from './errors.ts'
import { type AccessTokenClaims, createAccessTokenVerifier, type VerifyOptions } from './verify.ts'

export type AccessTokenVariables = { accessToken: AccessTokenClaims }

/**
 * Puts the verified claims on `c.var.accessToken`; answers 401 JSON `{ code, message }` otherwise
 * (503 when the keys cannot be fetched). The key set is built once, here in the factory.
 *
 * @example
 * app.use('/api/*', accessTokenMiddleware({ jwksUrl, issuer, audience }))
 * app.get('/api/me', (c) => c.json({ userId: c.var.accessToken.sub }))
 */
export function accessTokenMiddleware(options: VerifyOptions): MiddlewareHandler<{ Variables: AccessTokenVariables }> {
  const verifyAccessToken = createAccessTokenVerifier(options)
  // Hono only as types: the package's verifier runs without Hono installed.
  return async function requireAccessToken(c, next) {
    const token = bearerToken(c.req.raw.headers)
    try {
      c.set('accessToken', await verifyAccessToken(token))
    } catch (error) {
      const refusal =
        error instanceof AccessTokenError
          ? error
          : new AccessTokenError('TOKEN_MALFORMED', 'The token could not be verified.')
      const status = refusal.code === 'JWKS_UNAVAILABLE' ? 503 : 401
      return c.json(
        { code: refusal.code, message: refusal.message },
        status,
        status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {},
      )
    }
    await next()
  }
}
