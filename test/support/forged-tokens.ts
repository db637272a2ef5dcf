/**
 * Tokens a downstream verifier must refuse, made from a real service's own material: its signing
 * key (read from the database and decrypted with the test secret) for claims it never issued, its
 * public key as an HMAC secret, and `alg: none`.
 */
import { createHmac } from 'node:crypto'
import { symmetricDecrypt } from 'better-auth/crypto'
import { decodeJwt, importJWK, type JWK, SignJWT } from 'jose'
import type { LocalNeon } from '../../db/local-neon/index.ts'
import { queryEndpoint } from './backends.ts'
import { TEST_SECRET } from './service.ts'

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url')
}

/** The service's newest signing key: its id, the private key, and the public JWK. */
export async function serviceSigningKey(endpoint: LocalNeon) {
  const [row] = await queryEndpoint(endpoint, 'select id, private_key from jwks order by created_at desc limit 1')
  if (!row) throw new Error('the service has no signing key yet: mint a token first')
  const jwk = JSON.parse(await symmetricDecrypt({ key: TEST_SECRET, data: JSON.parse(row[1]!) })) as JWK
  return { kid: row[0]!, key: await importJWK(jwk, 'EdDSA'), publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x } }
}

/**
 * Claims signed with the service's real key, at times relative to now (seconds).
 *
 * @example
 * await signWithServiceKey(endpoint, { sub, iss, aud }, { iat: -1000, exp: -120 }) // expired two minutes ago
 */
export async function signWithServiceKey(
  endpoint: LocalNeon,
  claims: Record<string, unknown>,
  offsets: { iat: number; exp: number },
): Promise<string> {
  const { kid, key } = await serviceSigningKey(endpoint)
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setIssuedAt(now + offsets.iat)
    .setExpirationTime(now + offsets.exp)
    .sign(key)
}

/** A genuine token with another `sub` in its payload, the signature kept. */
export function tamperedToken(token: string, sub: string): string {
  const [header, payload, signature] = token.split('.')
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
  return `${header}.${base64url(JSON.stringify({ ...claims, sub }))}.${signature}`
}

/** A genuine token's claims, unsigned (`alg: none`). */
export function unsignedToken(token: string): string {
  return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(decodeJwt(token)))}.`
}

/**
 * A genuine token's claims as HS256 tokens whose HMAC secret is the service's public key, in the
 * two forms a confused verifier might use: the JWK's JSON and the raw key bytes.
 */
export async function publicKeyHmacTokens(endpoint: LocalNeon, token: string): Promise<string[]> {
  const { kid, publicJwk } = await serviceSigningKey(endpoint)
  const input = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid }))}.${base64url(JSON.stringify(decodeJwt(token)))}`
  return [JSON.stringify(publicJwk), Buffer.from(publicJwk.x!, 'base64url')].map(
    (secret) => `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`,
  )
}
