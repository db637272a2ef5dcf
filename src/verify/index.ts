/**
 * Verifying edge-auth's access tokens in a downstream service, offline from the JWKS.
 *
 * @example
 * import { createAccessTokenVerifier } from 'edge-auth/verify'
 * const verifyAccessToken = createAccessTokenVerifier({
 *   jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://auth.example.com',
 * })
 * const user = await verifyAccessToken(token)
 * user.sub // the user id
 */
export { AccessTokenError, type AccessTokenErrorCode } from './errors.ts'
export { type AccessTokenVariables, accessTokenMiddleware } from './middleware.ts'
export {
  type AccessTokenClaims,
  ALLOWED_ALGORITHMS,
  createAccessTokenVerifier,
  type VerifyOptions,
  verifyWithKeySet,
} from './verify.ts'
