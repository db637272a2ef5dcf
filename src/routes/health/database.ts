/**
 * Database health: reachability, latency and migration state in one bounded round trip.
 */
import journal from '../../../db/migrations/meta/_journal.json' with { type: 'json' }
import type { DatabaseClient } from '../../database/index.ts'
import { isDatabaseTimeout } from '../../database/unavailable.ts'
import { TIMED_OUT, within } from '../../deadline.ts'

export interface DatabaseHealth {
  reachable: boolean
  latencyMs: number
  error?: string
  migrations: { applied: number; expected: number; pending: string[] } | null
}

const UNDEFINED_TABLE = '42P01'
const UNDEFINED_SCHEMA = '3F000'
const expectedMigrations = journal.entries.map((entry) => ({ tag: entry.tag, when: entry.when }))

/** Probes the database, giving up after `timeoutMs` even if the endpoint never answers. */
export async function probeDatabase(database: DatabaseClient, timeoutMs: number): Promise<DatabaseHealth> {
  const started = performance.now()
  const abort = new AbortController()
  const elapsed = () => Math.round(performance.now() - started)
  const query = database.sql.query('select max(created_at)::text as last from drizzle.__drizzle_migrations', [], {
    fetchOptions: { signal: abort.signal },
  })
  const noAnswer = (): DatabaseHealth => ({
    reachable: false,
    latencyMs: elapsed(),
    error: `no answer within ${timeoutMs} ms`,
    migrations: null,
  })
  try {
    const rows = await within(query, timeoutMs)
    if (rows === TIMED_OUT) {
      abort.abort()
      query.catch(() => undefined)
      return noAnswer()
    }
    const last = Number((rows[0] as { last: string | null } | undefined)?.last ?? 0)
    return { reachable: true, latencyMs: elapsed(), migrations: migrationState(last) }
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === UNDEFINED_TABLE || code === UNDEFINED_SCHEMA) {
      return { reachable: true, latencyMs: elapsed(), migrations: migrationState(0) }
    }
    // The trip's own deadline (DATABASE_TIMEOUT_MS, database/deadline.ts) can pass before ours.
    if (isDatabaseTimeout(error)) return noAnswer()
    return { reachable: false, latencyMs: elapsed(), error: 'connection failed', migrations: null }
  }
}

function migrationState(lastAppliedAt: number) {
  const pending = expectedMigrations.filter((m) => m.when > lastAppliedAt).map((m) => m.tag)
  return { applied: expectedMigrations.length - pending.length, expected: expectedMigrations.length, pending }
}
