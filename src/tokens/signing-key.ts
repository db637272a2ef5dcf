/**
 * Whether this deployment can sign JWTs: the current signing key's private half is stored
 * encrypted under the auth secret, so a deployment whose secret changed cannot use it.
 */
import type { AuthContext } from 'better-auth'
import { symmetricDecrypt } from 'better-auth/crypto'
import type { Database } from '../database.ts'
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
 * const state = await checkSigningKey(db, (await auth.$context).secretConfig) // { present: true, decryptable: false, problem: '…' }
 */
export async function checkSigningKey(
  db: Database,
  secretConfig: AuthContext['secretConfig'],
): Promise<SigningKeyState> {
  const key = await latestLiveKey(db, new Date())
  if (!key) return { present: false, decryptable: null }
  const described = {
    present: true,
    keyId: key.id,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
  }
  try {
    await symmetricDecrypt({ key: secretConfig, data: JSON.parse(key.privateKey) })
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
