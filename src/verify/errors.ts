/**
 * Typed verification errors with a stable `code`, mapped from jose's errors.
 */
import { errors } from 'jose'

export type AccessTokenErrorCode =
  | 'TOKEN_MISSING'
  | 'TOKEN_MALFORMED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'WRONG_AUDIENCE'
  | 'WRONG_ISSUER'
  | 'CLAIM_INVALID'
  | 'BAD_SIGNATURE'
  | 'UNKNOWN_KEY'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'JWKS_UNAVAILABLE'

/**
 * Why a token was refused. `code` is stable; `message` is for people.
 *
 * @example
 * try { await verifyAccessToken(token) } catch (e) { if (e instanceof AccessTokenError && e.code === 'TOKEN_EXPIRED') … }
 */
export class AccessTokenError extends Error {
  readonly code: AccessTokenErrorCode
  constructor(code: AccessTokenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AccessTokenError'
    this.code = code
  }
}

/**
 * Whether an error from a remote key set means the JWKS could not be had, rather than that it
 * has no key for the token. The fetch itself rejects with whatever the runtime throws (a
 * TypeError in Node, a plain Error in workerd); jose adds JWKSTimeout, JWKSInvalid, and its
 * generic JOSEError for an answer other than 200 or one that is not JSON.
 */
export function isKeyRetrievalFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true
  return (
    error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === errors.JOSEError.code
  )
}

/** Maps anything jose throws to an AccessTokenError. */
export function toAccessTokenError(error: unknown): AccessTokenError {
  if (error instanceof AccessTokenError) return error
  const cause = { cause: error }
  if (error instanceof errors.JWTExpired) return new AccessTokenError('TOKEN_EXPIRED', 'The token has expired.', cause)
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud')
      return new AccessTokenError('WRONG_AUDIENCE', 'The token is for another audience.', cause)
    if (error.claim === 'iss') return new AccessTokenError('WRONG_ISSUER', 'The token is from another issuer.', cause)
    if (error.claim === 'nbf' || error.claim === 'iat')
      return new AccessTokenError('TOKEN_NOT_YET_VALID', 'The token is not valid yet.', cause)
    return new AccessTokenError('CLAIM_INVALID', `The token's ${error.claim} claim is invalid.`, cause)
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new AccessTokenError('BAD_SIGNATURE', 'The token signature is invalid.', cause)
  if (error instanceof errors.JWKSNoMatchingKey)
    return new AccessTokenError('UNKNOWN_KEY', 'No published key matches the token.', cause)
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new AccessTokenError('ALGORITHM_NOT_ALLOWED', 'The token uses an algorithm that is not allowed.', cause)
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new AccessTokenError('JWKS_UNAVAILABLE', 'The signing keys could not be fetched.', cause)
  }
  if (error instanceof errors.JOSEError)
    return new AccessTokenError('TOKEN_MALFORMED', 'The token is malformed.', cause)
  if (error instanceof TypeError || (error as Error)?.name === 'TypeError') {
    return new AccessTokenError('JWKS_UNAVAILABLE', 'The signing keys could not be fetched.', cause)
  }
  return new AccessTokenError('TOKEN_MALFORMED', 'The token could not be verified.', cause)
}
