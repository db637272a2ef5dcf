/**
 * The two levels of `/health/auth`. Anyone may learn whether the service works and why sessions
 * could fail on their side: the status, whether a secret is set and how long it is, whether the
 * database answers and how fast, and the cookie mode. Everything else (secret sources and
 * fingerprints, key ids, migrations, trusted origins, configuration problems) helps an operator and
 * an attacker alike, so it needs `Authorization: Bearer <HEALTH_TOKEN>`.
 */
import type { EnvBindings } from '../../config/env.ts'
import { MIN_SECRET_LENGTH } from '../../config/secrets.ts'
import type { DatabaseHealth } from './database.ts'

export interface AnonymousHealth {
  status: 'ok' | 'error'
  level: 'anonymous'
  secret: { present: boolean; length: number }
  /** Null when the configuration is invalid: there is no database client to probe with. */
  database: { reachable: boolean; latencyMs: number } | null
  /** Null when the configuration is invalid. */
  cookies: { mode: string } | null
}

/**
 * The anonymous report: exactly these fields, built from what the full one is built from.
 *
 * @example
 * anonymousReport({ healthy: true, secret: { present: true, length: 43 }, database: db, mode: 'cross-site' })
 */
export function anonymousReport(parts: {
  healthy: boolean
  secret: { present: boolean; length: number }
  database: DatabaseHealth | null
  mode: string | null
}): AnonymousHealth {
  const { healthy, secret, database, mode } = parts
  return {
    status: healthy ? 'ok' : 'error',
    level: 'anonymous',
    secret: { present: secret.present, length: secret.length },
    database: database ? { reachable: database.reachable, latencyMs: database.latencyMs } : null,
    cookies: mode ? { mode } : null,
  }
}

/**
 * HEALTH_TOKEN straight from the environment, for when the configuration is invalid (there is
 * no parsed config): a token that would be refused as too short grants nothing.
 */
export function configuredHealthToken(env: EnvBindings): string | undefined {
  const token = env.HEALTH_TOKEN?.trim()
  return token && token.length >= MIN_SECRET_LENGTH ? token : undefined
}
