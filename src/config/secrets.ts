/**
 * Signing secrets: `BETTER_AUTH_SECRETS` (versioned, current first) and/or `BETTER_AUTH_SECRET`.
 */
import { fingerprint } from '../crypto/hmac.ts'

/** One secret the service knows. `version` is null for the unversioned `BETTER_AUTH_SECRET`. */
export interface SigningSecret {
  readonly version: number | null
  readonly value: string
  readonly source: 'BETTER_AUTH_SECRETS' | 'BETTER_AUTH_SECRET'
}

/** BetterAuth's built-in fallback secret: accepting it would make every deployment share one key. */
export const BETTER_AUTH_DEFAULT_SECRET = 'better-auth-secret-12345678901234567890'
export const MIN_SECRET_LENGTH = 32

export interface SecretProblem {
  variable: 'BETTER_AUTH_SECRET' | 'BETTER_AUTH_SECRETS'
  problem: string
}

/**
 * Parses the secrets, current first: the versions of `BETTER_AUTH_SECRETS` in order,
 * then `BETTER_AUTH_SECRET` (current only when `BETTER_AUTH_SECRETS` is unset).
 * Problems never include a secret's value.
 *
 * @example
 * parseSecrets({ BETTER_AUTH_SECRETS: '2:new…,1:old…' }, { allowShort: false })
 */
export function parseSecrets(
  env: { BETTER_AUTH_SECRET?: string | undefined; BETTER_AUTH_SECRETS?: string | undefined },
  options: { allowShort: boolean },
): { secrets: SigningSecret[]; problems: SecretProblem[] } {
  const secrets: SigningSecret[] = []
  const problems: SecretProblem[] = []
  const versioned = env.BETTER_AUTH_SECRETS?.trim()
  const single = env.BETTER_AUTH_SECRET?.trim()

  if (versioned) {
    const seen = new Set<number>()
    versioned.split(',').forEach(function parseEntry(raw, index) {
      const entry = raw.trim()
      const colon = entry.indexOf(':')
      const versionText = colon > 0 ? entry.slice(0, colon) : ''
      const value = colon > 0 ? entry.slice(colon + 1).trim() : ''
      const version = Number(versionText)
      if (!/^\d+$/.test(versionText) || !value) {
        problems.push({ variable: 'BETTER_AUTH_SECRETS', problem: `entry ${index + 1} is not "<version>:<secret>"` })
      } else if (seen.has(version)) {
        problems.push({ variable: 'BETTER_AUTH_SECRETS', problem: `version ${version} appears twice` })
      } else {
        seen.add(version)
        secrets.push({ version, value, source: 'BETTER_AUTH_SECRETS' })
      }
    })
  }
  if (single) secrets.push({ version: null, value: single, source: 'BETTER_AUTH_SECRET' })

  if (secrets.length === 0 && problems.length === 0) {
    problems.push({
      variable: 'BETTER_AUTH_SECRET',
      problem: 'is missing (set BETTER_AUTH_SECRET or BETTER_AUTH_SECRETS)',
    })
  }
  for (const secret of secrets) {
    const where = secret.version === null ? 'is' : `version ${secret.version} is`
    if (secret.value === BETTER_AUTH_DEFAULT_SECRET) {
      problems.push({ variable: secret.source, problem: `${where} BetterAuth's public default secret` })
    } else if (secret.value.length < MIN_SECRET_LENGTH && !options.allowShort) {
      problems.push({
        variable: secret.source,
        problem: `${where} ${secret.value.length} characters; at least ${MIN_SECRET_LENGTH} are required unless BETTER_AUTH_URL is localhost`,
      })
    }
  }
  return { secrets, problems }
}

const FINGERPRINT_LABEL = 'edge-auth secret fingerprint v1'

/**
 * A short, non-reversible fingerprint of a secret (first 12 hex digits of
 * HMAC-SHA256 of a fixed label), so two deployments can compare secrets without revealing them.
 *
 * @example
 * await secretFingerprint('…') // 'a1b2c3d4e5f6'
 */
export async function secretFingerprint(secret: string): Promise<string> {
  return fingerprint(secret, FINGERPRINT_LABEL)
}
