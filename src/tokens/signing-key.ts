/**
 * Whether this deployment can sign JWTs: the current signing key's private half is stored
 * encrypted under the auth secret, so a deployment whose secret changed cannot use it.
 */
import { symmetricDecrypt } from 'better-auth/crypto'
import type { Runtime } from '../runtime.ts'
import { latestLiveKey } from './key-store.ts'

export interface SigningKeyState {
  /** False until the first JWT is issued (the key is created then). */
  present: boolean
  /** Null when there is no key yet. */
  decryptable: boolean | null
  keyId?: string
  createdAt?: string
  expiresAt?: string | null
  problem?: string
}

/**
 * @example
 * const state = await checkSigningKey(runtime) // { present: true, decryptable: false, problem: '…' }
 */
export async function checkSigningKey(runtime: Runtime): Promise<SigningKeyState> {
  const key = await latestLiveKey(runtime.database.db, new Date())
  if (!key) return { present: false, decryptable: null }
  const described = {
    present: true,
    keyId: key.id,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
  }
  const context = await runtime.auth.$context
  try {
    await symmetricDecrypt({ key: context.secretConfig, data: JSON.parse(key.privateKey) })
    return { ...described, decryptable: true }
  } catch {
    return {
      ...described,
      decryptable: false,
      problem:
        "The JWT signing key was encrypted with a secret this deployment does not have, so no JWT can be issued. Restore that secret in BETTER_AUTH_SECRETS (behind the current one), or retire the key so a new one is made: UPDATE jwks SET expires_at = now() WHERE id = '<keyId>'.",
    }
  }
}
