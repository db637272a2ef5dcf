/**
 * Round-trip counters per connection string, so tests and benchmarks can
 * assert how many HTTP requests (single queries vs batches) a code path costs.
 *
 * @module
 */

/** Counters for one connection string. A round trip is one query or one batch. */
export type ConnectionStats = {
  /** Single-statement requests (`{query}` bodies). */
  queries: number
  /** Batch requests (`{queries: [...]}` bodies), each one transaction. */
  batches: number
  /** Statements carried inside those batches. */
  batchedQueries: number
  /** Requests (of either kind) that failed: Postgres errors (HTTP 400) and backend failures (HTTP 500). */
  errors: number
}

/** What `GET /_stats` returns. */
export type StatsSnapshot = {
  total: ConnectionStats
  /** Keyed by {@link statsKey} of the `Neon-Connection-String`. */
  byConnection: Record<string, ConnectionStats>
}

/** How many requests `requests()` keeps, newest last. */
const KEPT_REQUESTS = 1000

/** Mutable counters behind `/_stats`. */
export type Stats = {
  /** The SQL of one request (one statement, or a batch's), kept for `requests()`. */
  recordStatements(sql: readonly string[]): void
  /** The SQL of each request since the last reset, oldest first (the last 1,000). */
  requests(): string[][]
  recordQuery(key: string): void
  recordBatch(key: string, statementCount: number): void
  recordError(key: string): void
  snapshot(): StatsSnapshot
  reset(): void
}

/**
 * The identity a connection string is counted under: the URL without its
 * password and without query parameters (which may carry `password=` and
 * always carry the driver's own `application_name`).
 *
 * @example
 * statsKey('postgresql://app:secret@localhost/auth?sslmode=require') // 'postgresql://app@localhost/auth'
 */
export function statsKey(connectionString: string): string {
  try {
    const url = new URL(connectionString)
    url.password = ''
    url.search = ''
    url.hash = ''
    return url.toString()
  } catch {
    return connectionString.replace(/\/\/([^:/@]*):[^@]*@/, '//$1@').replace(/[?#].*$/, '')
  }
}

function emptyCounters(): ConnectionStats {
  return { queries: 0, batches: 0, batchedQueries: 0, errors: 0 }
}

/**
 * Creates an empty set of counters.
 *
 * @example
 * const stats = createStats()
 * stats.recordBatch(statsKey(connectionString), 3)
 * stats.snapshot().total.batches // 1
 */
export function createStats(): Stats {
  let byConnection = new Map<string, ConnectionStats>()
  let recent: string[][] = []

  function countersFor(key: string): ConnectionStats {
    let counters = byConnection.get(key)
    if (!counters) {
      counters = emptyCounters()
      byConnection.set(key, counters)
    }
    return counters
  }

  return {
    recordStatements(sql) {
      recent.push([...sql])
      if (recent.length > KEPT_REQUESTS) recent = recent.slice(-KEPT_REQUESTS)
    },
    requests: () => recent.map((sql) => [...sql]),
    recordQuery(key) {
      countersFor(key).queries += 1
    },
    recordBatch(key, statementCount) {
      const counters = countersFor(key)
      counters.batches += 1
      counters.batchedQueries += statementCount
    },
    recordError(key) {
      countersFor(key).errors += 1
    },
    snapshot() {
      const total = emptyCounters()
      const copy: Record<string, ConnectionStats> = {}
      for (const [key, counters] of byConnection) {
        copy[key] = { ...counters }
        total.queries += counters.queries
        total.batches += counters.batches
        total.batchedQueries += counters.batchedQueries
        total.errors += counters.errors
      }
      return { total, byConnection: copy }
    },
    reset() {
      byConnection = new Map()
      recent = []
    },
  }
}
