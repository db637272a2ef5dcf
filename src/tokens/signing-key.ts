/**
 * The JWT signing keys as this deployment sees them, for `/health/auth`: the key it signs with,
 * and the live keys it cannot decrypt (their private halves are stored encrypted under a secret it
 * does not know). Those stay published but are never used to sign here (see key-store.ts).
 */
import type { Database } from '../database/index.ts'
import { createKeyOpener, type SecretConfig } from './key-encryption.ts'
import { liveKeys } from './key-store.ts'

export interface KeySummary {
  keyId: string
  createdAt: string
  expiresAt: string | null
}

export interface SigningKeyState {
  /** Whether this deployment has a live key to sign with; false until its first JWT makes one. */
  present: boolean
  /** True for the key in use; null when there is none yet (the next JWT makes one). */
  decryptable: boolean | null
  /** The key in use: the newest live key this deployment can decrypt. */
  keyId?: string
  createdAt?: string
  expiresAt?: string | null
  /** Live keys this deployment cannot decrypt: published until they expire, never used to sign here. */
  undecryptable: KeySummary[]
  /** Set when `undecryptable` is not empty. */
  problem?: string
}

function summarize(key: { id: string; createdAt: Date; expiresAt?: Date | undefined }): KeySummary {
  return { keyId: key.id, createdAt: key.createdAt.toISOString(), expiresAt: key.expiresAt?.toISOString() ?? null }
}

function describeUndecryptable(keys: readonly KeySummary[]): string {
  const one = keys.length === 1
  const named = keys.map((k) => `${k.keyId} (expires ${k.expiresAt ?? 'never'})`).join(', ')
  return (
    `JWT signing key${one ? '' : 's'} ${named} cannot be decrypted with any secret this deployment knows, so ` +
    `it signs with a key of its own; ${one ? 'that key stays' : 'they stay'} published, so the JWTs ` +
    `${one ? 'it' : 'they'} signed keep verifying until they expire. Either another deployment with another ` +
    'secret shares this database (deployments on one database should share the secret: compare the fingerprints ' +
    'in /health/auth), or the secret was replaced without rotation, which also ended every session. To rotate, set ' +
    'BETTER_AUTH_SECRETS="2:<new>,1:<old>" (current first) on every deployment, and drop the old version once the ' +
    'sessions it signed have expired (7 days); a replaced secret can be put back the same way. A key encrypted ' +
    'under a version dropped that way is listed here until it expires, which is harmless.'
  )
}

/**
 * @param secretConfig BetterAuth's: `(await auth.$context).secretConfig`
 * @param knownSecrets every secret value this deployment knows (`Config.secrets`), current first
 *
 * @example
 * const state = await checkSigningKey(db, (await auth.$context).secretConfig, secrets)
 * // { present: true, decryptable: true, keyId: '…', undecryptable: [{ keyId: '…', … }], problem: '…' }
 */
export async function checkSigningKey(
  db: Database,
  secretConfig: SecretConfig,
  knownSecrets: readonly string[],
): Promise<SigningKeyState> {
  const open = createKeyOpener(knownSecrets)
  const keys = await liveKeys(db, new Date())
  const opened = await Promise.all(keys.map((key) => open(key, secretConfig)))
  const inUse = keys.find((_, index) => opened[index])
  const undecryptable = keys.filter((_, index) => !opened[index]).map(summarize)
  return {
    ...(inUse ? { present: true, decryptable: true, ...summarize(inUse) } : { present: false, decryptable: null }),
    undecryptable,
    ...(undecryptable.length > 0 ? { problem: describeUndecryptable(undecryptable) } : {}),
  }
}
