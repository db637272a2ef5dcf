/**
 * Signed session tokens as BetterAuth writes them (better-call's signed cookies):
 * `token.base64(HMAC-SHA256(token, secret))`, URI-encoded in cookies. Verified here under
 * every known secret, so a token from before a rotation can be recognised and re-signed.
 */
import type { SigningSecret } from '../config/secrets.ts'
import { hmacKey } from '../crypto/hmac.ts'
import { signValue, verifySignedValue } from '../crypto/signed-value.ts'
import { decodeCookieValue } from '../http/cookies.ts'

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

/**
 * A signer over the known secrets; keys are imported once, on first use.
 *
 * @example
 * const signer = createTokenSigner(config.secrets)
 * const verified = await signer.verify(cookieValue) // { token, secretIndex } | null
 */
export function createTokenSigner(secrets: readonly SigningSecret[]): TokenSigner {
  const keys = () => Promise.all(secrets.map((s) => hmacKey(s.value)))
  return {
    secretCount: secrets.length,
    async verify(signed) {
      const verified = await verifySignedValue(decodeCookieValue(signed), await keys())
      return verified && { token: verified.value, secretIndex: verified.keyIndex }
    },
    async sign(token) {
      return signValue(secrets[0]!.value, token)
    },
  }
}
