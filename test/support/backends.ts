/**
 * Test databases: embedded PGlite always, and the real PostgreSQL at TEST_DATABASE_URL when it is
 * set (a fresh database per test database, dropped by `cleanup`). Under CI, TEST_DATABASE_URL is
 * required: a run that silently tested PGlite only would pass without ever touching PostgreSQL.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { type LocalNeon, startLocalNeon } from '../../db/local-neon/index.ts'
import { migrateDatabase } from '../../db/migrate.ts'
import { UNDER_CI } from './ci.ts'
import { pgliteTemplateDump, seedDataDir, WORKER_DATABASE_URL } from './pglite-template.ts'

export { WORKER_DATABASE_URL }

/** One database the service under test runs against, behind a local Neon-compatible endpoint. */
export interface TestDatabase {
  readonly name: 'pglite' | 'postgres'
  /** Starts a migrated endpoint; `dataDir` keeps PGlite's database there across endpoints. */
  start(options?: { dataDir?: string }): Promise<LocalNeon>
  /** Drops what `start` created outside the process (the PostgreSQL test database). */
  cleanup(): Promise<void>
}

async function migrated(endpoint: LocalNeon): Promise<LocalNeon> {
  try {
    await migrateDatabase({ databaseUrl: WORKER_DATABASE_URL, neonHttpEndpoint: endpoint.url })
    return endpoint
  } catch (error) {
    await endpoint.close()
    throw error
  }
}

function pgliteDatabase(): TestDatabase {
  return {
    name: 'pglite',
    async start(options = {}) {
      // Without a dataDir of the caller's, the template in memory, living as long as the endpoint.
      if (options.dataDir === undefined)
        return migrated(await startLocalNeon({ backend: { kind: 'pglite', loadDataDir: await pgliteTemplateDump() } }))
      const { dataDir } = options
      await seedDataDir(dataDir)
      return migrated(await startLocalNeon({ backend: { kind: 'pglite', dataDir } }))
    },
    async cleanup() {},
  }
}

function postgresDatabase(adminUrl: string): TestDatabase {
  const database = `edge_auth_test_${randomBytes(4).toString('hex')}`
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  let created = false
  async function admin(sql: string) {
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  return {
    name: 'postgres',
    async start() {
      if (!created) {
        await admin(`create database "${database}"`)
        created = true
      }
      return migrated(await startLocalNeon({ backend: { kind: 'postgres', url: url.toString() } }))
    },
    async cleanup() {
      if (created) await admin(`drop database if exists "${database}" with (force)`)
    },
  }
}

function postgresUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL
  if (!url && UNDER_CI)
    throw new Error(
      'CI is set but TEST_DATABASE_URL is not: CI runs every database test on PostgreSQL too. Start PostgreSQL ' +
        '(.ci/run starts an installed one) and set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test.',
    )
  return url || undefined
}

/**
 * Every database backend this run covers: `pglite`, and `postgres` when TEST_DATABASE_URL is set.
 * For the suites where PostgreSQL can behave otherwise than PGlite, which serves one query at a
 * time on one connection: the write path (batches, failures, rollbacks), limits (counters shared
 * by concurrent requests and isolates), migrations, concurrency, and the local-neon driver.
 */
export const backendNames: readonly TestDatabase['name'][] = postgresUrl() ? ['pglite', 'postgres'] : ['pglite']

/**
 * PGlite alone, for the suites whose outcome the database cannot change (one request at a time,
 * statements both run alike): running them on PostgreSQL too would test nothing more.
 */
export const embeddedBackendNames: readonly TestDatabase['name'][] = ['pglite']

/**
 * A new test database on a backend, so `describe.each(backendNames)` gets one per suite.
 *
 * @example
 * const database = backendNamed('postgres')
 * const endpoint = await database.start()
 */
export function backendNamed(name: string): TestDatabase {
  if (name === 'pglite') return pgliteDatabase()
  const url = postgresUrl()
  if (name === 'postgres' && url) return postgresDatabase(url)
  throw new Error(`no test database backend ${name} (backends this run: ${backendNames.join(', ')})`)
}

/**
 * Runs one query against a local endpoint with its own HTTP protocol (rows as text arrays),
 * so a test can look at the database without touching the driver's global endpoint setting.
 */
export async function queryEndpoint(
  endpoint: LocalNeon,
  query: string,
  params: unknown[] = [],
): Promise<(string | null)[][]> {
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: {
      'Neon-Connection-String': WORKER_DATABASE_URL,
      'Neon-Raw-Text-Output': 'true',
      'Neon-Array-Mode': 'true',
    },
    body: JSON.stringify({ query, params }),
  })
  if (!response.ok) throw new Error(`query failed: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { rows: (string | null)[][] }).rows
}
