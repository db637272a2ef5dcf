/**
 * Signed session tokens as BetterAuth writes them (better-call's signed cookies):
 * `token.base64(HMAC-SHA256(token, secret))`, URI-encoded in cookies. Verified here under
 * every known secret, so a token from before a rotation can be recognised and re-signed.
 */
import type { SigningSecret } from '../config/secrets.ts'
import { decodeCookieValue } from '../http/cookies.ts'

const SIGNATURE_LENGTH = 44

export interface VerifiedToken {
  /** The raw session token (the part before the signature). */
  readonly token: string
  /** Index into the secrets, current first: 0 means signed with the current secret. */
  readonly secretIndex: number
}

export interface TokenSigner {
  /** How many secrets it knows; with one, nothing can be signed by an older secret. */
  readonly secretCount: number
  /** Finds which known secret signed `signed` (raw or URI-encoded); null when none did. */
  verify(signed: string): Promise<VerifiedToken | null>
  /** Signs a token with the current secret, returning `token.signature` (not URI-encoded). */
  sign(token: string): Promise<string>
}

function toBase64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
}

/** Bytes of standard base64 text; null when it is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
  } catch {
    return null
  }
}

/**
 * A signer over the known secrets; keys are imported once, on first use.
 *
 * @example
 * const signer = createTokenSigner(config.secrets)
 * const verified = await signer.verify(cookieValue) // { token, secretIndex } | null
 */
export function createTokenSigner(secrets: readonly SigningSecret[]): TokenSigner {
  let keys: Promise<CryptoKey[]> | undefined
  const encoder = new TextEncoder()
  function importKeys() {
    keys ??= Promise.all(
      secrets.map((s) =>
        crypto.subtle.importKey('raw', encoder.encode(s.value), { name: 'HMAC', hash: 'SHA-256' }, false, [
          'sign',
          'verify',
        ]),
      ),
    )
    return keys
  }

  return {
    secretCount: secrets.length,
    async verify(signed) {
      const value = decodeCookieValue(signed)
      const dot = value.lastIndexOf('.')
      if (dot < 1) return null
      const token = value.slice(0, dot)
      const signature = value.slice(dot + 1)
      if (signature.length !== SIGNATURE_LENGTH || !signature.endsWith('=')) return null
      const mac = fromBase64(signature)
      if (!mac) return null
      const data = encoder.encode(token)
      const imported = await importKeys()
      for (const [secretIndex, key] of imported.entries()) {
        if (await crypto.subtle.verify('HMAC', key, mac, data)) return { token, secretIndex }
      }
      return null
    },
    async sign(token) {
      const [current] = await importKeys()
      return `${token}.${toBase64(await crypto.subtle.sign('HMAC', current!, encoder.encode(token)))}`
    },
  }
}
