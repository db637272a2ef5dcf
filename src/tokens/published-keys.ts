/**
 * The service's own published JWKS as a jose key set, for verifying its JWTs in-process.
 * Refreshed at most every minute per isolate, or sooner when a token names an unknown key.
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import { AccessTokenError } from '../verify/errors.ts'
import { SHARED_READ_PATIENCE_MS, shareInFlight } from './key-store.ts'

const REFRESH_MS = 60_000
const MIN_REFRESH_MS = 5_000

/**
 * @example
 * const keySet = publishedKeySet(() => auth.api.getJwks())
 * await jwtVerify(token, keySet, { issuer, audience })
 */
export function publishedKeySet(readJwks: () => Promise<unknown>): JWTVerifyGetKey {
  let cached: { at: number; keySet: JWTVerifyGetKey } | undefined

  // Concurrent requests after the cache expired share one read.
  const load = shareInFlight(async function readKeySet(now: number) {
    let jwks: JSONWebKeySet
    try {
      jwks = (await readJwks()) as JSONWebKeySet
    } catch (error) {
      throw new AccessTokenError('JWKS_UNAVAILABLE', 'The signing keys could not be read.', { cause: error })
    }
    cached = { at: now, keySet: createLocalJWKSet(jwks) }
    return cached.keySet
  }, SHARED_READ_PATIENCE_MS)

  return async function getKey(header, token) {
    const now = Date.now()
    const keySet = cached && now - cached.at < REFRESH_MS ? cached.keySet : await load(now)
    try {
      return await keySet(header, token)
    } catch (error) {
      if (!cached || now - cached.at < MIN_REFRESH_MS) throw error
      return (await load(now))(header, token)
    }
  }
}
