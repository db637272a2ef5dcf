/**
 * HMAC-SHA-256 keys, imported once per secret and isolate: importing is the costly part of a
 * verification on workerd, and a secret lives as long as the isolate.
 */
const encoder = new TextEncoder()
const keys = new Map<string, Promise<CryptoKey>>()

/** Imports raw key bytes for HMAC-SHA-256, sign and verify, not cached (a derived key). */
export function importHmacKey(raw: BufferSource): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
}

/** The HMAC-SHA-256 key of a secret, imported on first use. */
export function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    key = importHmacKey(encoder.encode(secret))
    keys.set(secret, key)
  }
  return key
}

/** HMAC-SHA-256 of text under a key or a secret. */
export async function hmac(key: CryptoKey | string, text: string): Promise<Uint8Array<ArrayBuffer>> {
  const imported = typeof key === 'string' ? await hmacKey(key) : key
  return new Uint8Array(await crypto.subtle.sign('HMAC', imported, encoder.encode(text)))
}

/** Whether `mac` is the HMAC-SHA-256 of text under a key or a secret. */
export async function hmacVerify(key: CryptoKey | string, mac: BufferSource, text: string): Promise<boolean> {
  const imported = typeof key === 'string' ? await hmacKey(key) : key
  return crypto.subtle.verify('HMAC', imported, mac, encoder.encode(text))
}

/**
 * A short keyed fingerprint: the first 12 hex digits of HMAC-SHA-256(secret, text). Matches a
 * value for whoever holds the secret, and reveals nothing to anyone else.
 */
export async function fingerprint(secret: string, text: string): Promise<string> {
  const mac = await hmac(secret, text)
  return Array.from(mac.slice(0, 6), (byte) => byte.toString(16).padStart(2, '0')).join('')
}
