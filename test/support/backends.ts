/**
 * Database backends for integration tests: embedded PGlite always, and the real PostgreSQL at
 * TEST_DATABASE_URL when it is set (a fresh database per run, dropped afterwards).
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { type LocalNeon, startLocalNeon } from '../../db/local-neon/index.ts'
import { migrateDatabase } from '../../db/migrate.ts'

/** What the Worker's DATABASE_URL says; the local endpoint decides where queries really go. */
export const WORKER_DATABASE_URL = 'postgresql://edge_auth:test@localhost/edge_auth'

export interface Backend {
  readonly name: 'pglite' | 'postgres'
  /** Starts a migrated endpoint; `dataDir` persists PGlite across restarts. */
  start(options?: { dataDir?: string; port?: number }): Promise<LocalNeon>
  /** Drops what `start` created outside the process (the PostgreSQL test database). */
  cleanup(): Promise<void>
}

function pgliteBackend(): Backend {
  return {
    name: 'pglite',
    async start(options = {}) {
      const endpoint = await startLocalNeon({
        backend: { kind: 'pglite', dataDir: options.dataDir },
        port: options.port ?? 0,
      })
      await migrateDatabase({ databaseUrl: WORKER_DATABASE_URL, neonHttpEndpoint: endpoint.url })
      return endpoint
    },
    async cleanup() {},
  }
}

function postgresBackend(adminUrl: string): Backend {
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
    async start(options = {}) {
      if (!created) {
        await admin(`create database "${database}"`)
        created = true
      }
      const endpoint = await startLocalNeon({
        backend: { kind: 'postgres', url: url.toString() },
        port: options.port ?? 0,
      })
      await migrateDatabase({ databaseUrl: WORKER_DATABASE_URL, neonHttpEndpoint: endpoint.url })
      return endpoint
    },
    async cleanup() {
      if (created) await admin(`drop database if exists "${database}" with (force)`)
    },
  }
}

/** The backends this run covers. */
export function testBackends(): Backend[] {
  const postgresUrl = process.env.TEST_DATABASE_URL
  return postgresUrl ? [pgliteBackend(), postgresBackend(postgresUrl)] : [pgliteBackend()]
}

export const backendNames = testBackends().map((b) => b.name)

/** A backend by name, so `describe.each(backendNames)` can build one per suite. */
export function backendNamed(name: string): Backend {
  const backend = testBackends().find((b) => b.name === name)
  if (!backend) throw new Error(`unknown backend ${name}`)
  return backend
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
