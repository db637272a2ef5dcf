/**
 * local-neon: a Neon-compatible SQL-over-HTTP endpoint on 127.0.0.1, so local
 * dev and tests run `@neondatabase/serverless` (and `drizzle-orm/neon-http`)
 * unchanged without ever calling Neon's cloud.
 *
 * Point the driver at it with `neonConfig.fetchEndpoint = localNeon.url`; any
 * `postgresql://user:password@host/db` connection string then works — the
 * endpoint, not the string, decides which database answers.
 *
 * @example
 * import { neon, neonConfig } from '@neondatabase/serverless'
 * import { startLocalNeon } from './db/local-neon/index.ts'
 *
 * const localNeon = await startLocalNeon({ backend: { kind: 'pglite', dataDir: '.data/pglite' } })
 * neonConfig.fetchEndpoint = localNeon.url
 * const sql = neon('postgresql://app:pw@localhost/app')
 * await sql`SELECT now()`
 * await localNeon.close()
 *
 * @module
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Backend } from './backend.ts'
import { createFaults, type Faults } from './faults.ts'
import { createPgliteBackend } from './pglite.ts'
import { createPostgresBackend } from './postgres.ts'
import { createRequestListener, sqlPath } from './server.ts'
import type { StatsSnapshot } from './stats.ts'
import { createStats } from './stats.ts'

export type { FaultAction, FaultRule, Faults } from './faults.ts'
export type { ConnectionStats, StatsSnapshot } from './stats.ts'
export { statsKey } from './stats.ts'

/** Which database serves the endpoint. */
export type LocalNeonBackendOptions =
  /**
   * Embedded PGlite, persisted in `dataDir` (created if missing), or in memory without one; in
   * memory, `loadDataDir` (a tarball of PGlite's `dumpDataDir`) is the database it starts from.
   */
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob }
  /** A real PostgreSQL server, e.g. `postgres://postgres@127.0.0.1:5432/test`. */
  | { kind: 'postgres'; url: string }

export type LocalNeonOptions = {
  /** Defaults to in-memory PGlite. */
  backend?: LocalNeonBackendOptions
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number
}

/** A running endpoint. */
export type LocalNeon = {
  /** The SQL endpoint, e.g. `http://127.0.0.1:54321/sql`; give it to `neonConfig.fetchEndpoint`. */
  url: string
  port: number
  backend: LocalNeonBackendOptions['kind']
  /** Round trips per connection string since start (or the last reset). */
  stats(): StatsSnapshot
  /** The SQL of each request since start (or the last reset), oldest first: the last 1,000. */
  requests(): string[][]
  resetStats(): void
  /** Injected failures and latency (tests and the benchmark); none unless asked for. */
  readonly faults: Pick<Faults, 'inject' | 'clear' | 'setLatency'>
  /** Stops listening, waits for requests in flight, then closes the database. Idempotent. */
  close(): Promise<void>
}

/** How long `close()` lets in-flight requests finish before cutting connections. */
const closeGraceMs = 5_000

/**
 * Starts the endpoint on 127.0.0.1 with the chosen backend.
 *
 * @example
 * const localNeon = await startLocalNeon({ backend: { kind: 'postgres', url: process.env.TEST_DATABASE_URL! } })
 * neonConfig.fetchEndpoint = localNeon.url
 */
export async function startLocalNeon(options: LocalNeonOptions = {}): Promise<LocalNeon> {
  const backendOptions = options.backend ?? { kind: 'pglite' }
  const backend = await openBackend(backendOptions)
  const stats = createStats()
  const faults = createFaults()
  const server = createServer(createRequestListener({ backend, stats, faults }))

  let port: number
  try {
    port = await listen(server, options.port ?? 0)
  } catch (error) {
    await backend.close()
    throw error
  }

  let closing: Promise<void> | undefined
  async function shutdown(): Promise<void> {
    faults.clear()
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const cutOff = setTimeout(() => server.closeAllConnections(), closeGraceMs)
    await stopped
    clearTimeout(cutOff)
    await backend.close()
  }

  return {
    url: `http://127.0.0.1:${port}${sqlPath}`,
    port,
    backend: backendOptions.kind,
    stats: () => stats.snapshot(),
    requests: () => stats.requests(),
    resetStats: () => stats.reset(),
    faults,
    close() {
      closing ??= shutdown()
      return closing
    },
  }
}

function openBackend(options: LocalNeonBackendOptions): Promise<Backend> {
  if (options.kind === 'postgres') return createPostgresBackend({ url: options.url })
  return createPgliteBackend({ dataDir: options.dataDir, loadDataDir: options.loadDataDir })
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}
