/**
 * Database access: Drizzle over Neon's HTTP driver. Each query is one stateless HTTPS
 * request, so the client holds no socket and may live for the whole isolate.
 */
import { type NeonQueryFunction, neon, neonConfig } from '@neondatabase/serverless'
import { drizzle, type NeonHttpDatabase } from 'drizzle-orm/neon-http'
import * as schema from '../../db/schema.ts'
import type { Config } from '../config/index.ts'
import { deadlineFetch, deadlineFetchOptions } from './deadline.ts'

/** The driver's own endpoint (Neon's cloud), for a configuration without NEON_HTTP_ENDPOINT. */
const NEON_FETCH_ENDPOINT = neonConfig.fetchEndpoint

export type Database = NeonHttpDatabase<typeof schema>

export interface DatabaseClient {
  readonly db: Database
  /** Raw driver, for the few queries that need per-call fetch options (timeouts). */
  readonly sql: NeonQueryFunction<false, false>
}

/**
 * Creates the database client for a configuration. `NEON_HTTP_ENDPOINT` redirects the driver to a
 * local endpoint; the driver keeps that setting process-wide (`neonConfig.fetchEndpoint` has no
 * per-client form), so one isolate or process talks to one endpoint. Every round trip has a
 * deadline (`DATABASE_TIMEOUT_MS`), and a request a budget for all of them (database/deadline.ts).
 */
export function createDatabaseClient(config: Config): DatabaseClient {
  neonConfig.fetchEndpoint = config.neonHttpEndpoint ?? NEON_FETCH_ENDPOINT
  neonConfig.fetchFunction = deadlineFetch
  const sql = neon(config.databaseUrl, { fetchOptions: deadlineFetchOptions(config.databaseTimeoutMs) })
  return { db: drizzle({ client: sql, schema }), sql }
}
