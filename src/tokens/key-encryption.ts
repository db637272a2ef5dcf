/**
 * Opening the JWT plugin's stored signing keys. BetterAuth encrypts a key's private half under its
 * secret config and decrypts it under the same config when signing; a key it cannot decrypt that
 * way may still be encrypted under a secret this deployment knows (data from before versioned
 * secrets decrypts only under BetterAuth's one legacy secret). Such a key is handed to BetterAuth
 * re-encrypted under its secret config, in memory: the stored row stays as it is, readable by every
 * deployment that could read it before.
 */
import { parseEnvelope, type SymmetricDecryptOptions, symmetricDecrypt, symmetricEncrypt } from 'better-auth/crypto'
import type { Jwk } from 'better-auth/plugins/jwt'

/** BetterAuth's `ctx.context.secretConfig`: the versioned secrets, or the one secret. */
export type SecretConfig = SymmetricDecryptOptions['key']

/** A stored key, or the same key as BetterAuth can decrypt it; undefined when no known secret opens it. */
export type KeyOpener = (key: Jwk, secretConfig: SecretConfig) => Promise<Jwk | undefined>

async function decrypts(key: SecretConfig, data: string): Promise<boolean> {
  try {
    await symmetricDecrypt({ key, data })
    return true
  } catch {
    return false
  }
}

/**
 * @param knownSecrets every secret value this deployment knows (`Config.secrets`), current first
 *
 * @example
 * const open = createKeyOpener(config.secrets.map((s) => s.value))
 * const usable = await open(storedKey, ctx.context.secretConfig) // undefined: another secret's key
 */
export function createKeyOpener(knownSecrets: readonly string[]): KeyOpener {
  return async function openKey(key, secretConfig) {
    let data: unknown
    try {
      data = JSON.parse(key.privateKey)
    } catch {
      return undefined
    }
    if (typeof data !== 'string') return undefined
    if (await decrypts(secretConfig, data)) return key
    // A versioned payload may carry a version number this deployment lists under another value.
    const ciphertext = parseEnvelope(data)?.ciphertext ?? data
    for (const secret of knownSecrets) {
      let privateWebKey: string
      try {
        privateWebKey = await symmetricDecrypt({ key: secret, data: ciphertext })
      } catch {
        continue
      }
      const reencrypted = await symmetricEncrypt({ key: secretConfig, data: privateWebKey })
      return { ...key, privateKey: JSON.stringify(reencrypted) }
    }
    return undefined
  }
}
