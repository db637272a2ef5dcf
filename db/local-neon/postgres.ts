/**
 * PostgreSQL backend: a real server reached through a `pg.Pool`.
 *
 * Every statement uses the extended protocol (`queryMode: 'extended'`, even
 * without parameters, as Neon's proxy does), parameters go as untyped text,
 * rows come back as arrays of the server's text output (all type parsers are
 * the identity). Each pooled connection is switched to UTC / ISO dates before
 * its first use, whatever the server or database defaults are.
 *
 * @module
 */

import type { CustomTypesConfig, PoolClient, QueryArrayConfig } from 'pg'
import pg from 'pg'
import type { Backend, BackendSession, RawResult, SqlStatement, TransactionStatus } from './backend.ts'
import { describeField, toPostgresError } from './backend.ts'

const sessionSetup = "SET TIME ZONE 'UTC'; SET DateStyle TO 'ISO, MDY'"

/** Keeps every value as the text Postgres sent (null stays null). */
const rawTextTypes: CustomTypesConfig = {
  getTypeParser: (() => keepText) as unknown as CustomTypesConfig['getTypeParser'],
}

function keepText(value: string): string {
  return value
}

/**
 * Connects a pool to `url` and checks it answers.
 *
 * @example
 * const backend = await createPostgresBackend({ url: 'postgres://postgres@127.0.0.1:5432/test' })
 * await backend.withSession((session) => session.run({ query: 'SELECT now()', params: [] }))
 * await backend.close()
 */
export async function createPostgresBackend(options: { url: string; maxConnections?: number }): Promise<Backend> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    types: rawTextTypes,
  })
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on('error', function ignoreIdleClientError() {})
  const prepared = new WeakSet<PoolClient>()

  async function checkout(): Promise<PoolClient> {
    const client = await pool.connect()
    if (!prepared.has(client)) {
      try {
        await client.query(sessionSetup)
      } catch (error) {
        client.release(true)
        throw error
      }
      prepared.add(client)
    }
    return client
  }

  async function withSession<T>(work: (session: BackendSession) => Promise<T>): Promise<T> {
    const client = await checkout()
    let broken = false
    const session: BackendSession = {
      async run(statement) {
        try {
          return await runStatement(client, statement)
        } catch (error) {
          if (!toPostgresError(error)) broken = true
          throw error
        }
      },
      transactionStatus: () => (client.getTransactionStatus() ?? 'I') as TransactionStatus,
    }
    try {
      return await work(session)
    } finally {
      // Like Neon's proxy: a connection left in a transaction (or broken) is discarded, not reused.
      client.release(broken || session.transactionStatus() !== 'I')
    }
  }

  try {
    await withSession((session) => session.run({ query: 'SELECT 1', params: [] }))
  } catch (error) {
    await pool.end()
    throw error
  }

  return {
    kind: 'postgres',
    withSession,
    async close() {
      if (!pool.ended) await pool.end()
    },
  }
}

async function runStatement(client: PoolClient, statement: SqlStatement): Promise<RawResult> {
  const config = {
    text: statement.query,
    values: statement.params,
    rowMode: 'array',
    queryMode: 'extended',
  } as QueryArrayConfig
  const result = await client.query<(string | null)[]>(config)
  return {
    command: result.command ?? '',
    rowCount: result.command ? result.rowCount : null,
    fields: result.fields.map(describeField),
    rows: result.rows,
  }
}
