/**
 * Signed values as better-call signs cookies (BetterAuth's session cookie, its bearer token):
 * `value.base64(HMAC-SHA-256(value, secret))`, the signature standard base64, 44 characters.
 */
import { decodeBase64, encodeBase64 } from './base64.ts'
import { hmac, hmacVerify } from './hmac.ts'

const SIGNATURE_LENGTH = 44

/** `value.signature` under a key or secret. */
export async function signValue(key: CryptoKey | string, value: string): Promise<string> {
  return `${value}.${encodeBase64(await hmac(key, value), 'base64')}`
}

/**
 * The value of `signed` and the index of the first key that signed it; null when it is not a
 * signed value or none of the keys signed it.
 */
export async function verifySignedValue(
  signed: string,
  keys: readonly CryptoKey[],
): Promise<{ value: string; keyIndex: number } | null> {
  const dot = signed.lastIndexOf('.')
  if (dot < 1) return null
  const value = signed.slice(0, dot)
  const signature = signed.slice(dot + 1)
  if (signature.length !== SIGNATURE_LENGTH || !signature.endsWith('=')) return null
  const mac = decodeBase64(signature, 'base64')
  if (!mac) return null
  for (const [keyIndex, key] of keys.entries()) {
    if (await hmacVerify(key, mac, value)) return { value, keyIndex }
  }
  return null
}
