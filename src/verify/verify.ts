/** Token verification with edge-auth's rules; see index.ts for the public entry. */
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose'
import { AccessTokenError, isKeyRetrievalFailure, toAccessTokenError } from './errors.ts'

/** Only asymmetric algorithms: `none` and HMAC (the public-key-as-secret confusion) never verify. */
export const ALLOWED_ALGORITHMS = ['EdDSA', 'ES256', 'RS256', 'PS256']

export interface VerifyOptions {
  jwksUrl: string
  issuer: string
  audience: string
  /** Seconds of clock skew tolerated on exp/nbf/iat. Default 60. */
  clockToleranceSeconds?: number
  /** How long fetched keys are trusted before they are fetched again (ms). Default 10 minutes. */
  cacheMaxAgeMs?: number
}

/** The claims edge-auth issues. */
export interface AccessTokenClaims extends JWTPayload {
  sub: string
  email?: string
  email_verified?: boolean
  sid?: string
}

/**
 * Verifies a token against a key set (remote or local) with edge-auth's rules.
 *
 * @example
 * await verifyWithKeySet(token, createLocalJWKSet(jwks), { issuer, audience })
 */
export async function verifyWithKeySet(
  token: string | null | undefined,
  keySet: JWTVerifyGetKey,
  options: { issuer: string; audience: string; clockToleranceSeconds?: number },
): Promise<AccessTokenClaims> {
  if (!token) throw new AccessTokenError('TOKEN_MISSING', 'No access token was given.')
  try {
    const { payload } = await jwtVerify(token, keySet, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ALLOWED_ALGORITHMS,
      clockTolerance: options.clockToleranceSeconds ?? 60,
      requiredClaims: ['sub', 'exp', 'iat'],
    })
    return payload as AccessTokenClaims
  } catch (error) {
    throw toAccessTokenError(error)
  }
}

/**
 * A verifier for the JWKS at `jwksUrl`. It owns one remote key set (jose's `createRemoteJWKSet`):
 * keys are fetched on first use, cached for `cacheMaxAgeMs`, and refetched early when a token names
 * an unknown key. Create it once (per isolate or process) and reuse it: a verifier created per
 * request fetches the JWKS on every request.
 *
 * @example
 * const verifyAccessToken = createAccessTokenVerifier({ jwksUrl, issuer, audience })
 * const claims = await verifyAccessToken(token) // throws AccessTokenError with a stable code
 */
export function createAccessTokenVerifier(
  options: VerifyOptions,
): (token: string | null | undefined) => Promise<AccessTokenClaims> {
  const remote = createRemoteJWKSet(
    new URL(options.jwksUrl),
    options.cacheMaxAgeMs === undefined ? {} : { cacheMaxAge: options.cacheMaxAgeMs },
  )
  // A failure here is known to come from fetching the keys, whatever the runtime threw.
  const keySet: JWTVerifyGetKey = async function fetchedKey(header, token) {
    try {
      return await remote(header, token)
    } catch (error) {
      if (!isKeyRetrievalFailure(error)) throw error
      throw new AccessTokenError('JWKS_UNAVAILABLE', 'The signing keys could not be fetched.', { cause: error })
    }
  }
  return function verifyAccessToken(token) {
    return verifyWithKeySet(token, keySet, options)
  }
}
