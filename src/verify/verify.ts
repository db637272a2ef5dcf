/** Token verification with edge-auth's rules; see index.ts for the public entry. */
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose'
import { AccessTokenError, toAccessTokenError } from './errors.ts'

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

const keySets = new Map<string, JWTVerifyGetKey>()

/** One remote key set per JWKS URL and cache age, held for the life of the module (isolate). */
function remoteKeySet(jwksUrl: string, cacheMaxAgeMs: number | undefined): JWTVerifyGetKey {
  const id = `${jwksUrl} ${cacheMaxAgeMs ?? ''}`
  let keySet = keySets.get(id)
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUrl), cacheMaxAgeMs === undefined ? {} : { cacheMaxAge: cacheMaxAgeMs })
    keySets.set(id, keySet)
  }
  return keySet
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

/** Verifies a token against the JWKS at `jwksUrl`; throws `AccessTokenError` with a stable code. */
export function verifyAccessToken(
  token: string | null | undefined,
  options: VerifyOptions,
): Promise<AccessTokenClaims> {
  return verifyWithKeySet(token, remoteKeySet(options.jwksUrl, options.cacheMaxAgeMs), options)
}
