/**
 * Verifying edge-auth's access tokens in a downstream service, offline from the JWKS.
 *
 * @example
 * import { verifyAccessToken } from 'edge-auth/verify'
 * const user = await verifyAccessToken(token, {
 *   jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://auth.example.com',
 * })
 * user.sub // the user id
 */
export { AccessTokenError, type AccessTokenErrorCode } from './errors.ts'
export { type AccessTokenVariables, accessTokenMiddleware } from './middleware.ts'
export {
  type AccessTokenClaims,
  ALLOWED_ALGORITHMS,
  type VerifyOptions,
  verifyAccessToken,
  verifyWithKeySet,
} from './verify.ts'
