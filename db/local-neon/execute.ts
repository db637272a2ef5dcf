/**
 * What Neon's proxy does with a request once it has a connection: a single
 * statement runs on its own (auto-commit), a batch runs inside ONE
 * transaction that is committed at the end or rolled back on the first error.
 *
 * @module
 */
import type { Backend, BackendSession, RawResult, SqlStatement } from './backend.ts'
import type { BatchOptions } from './protocol.ts'
import { isolationLevels } from './protocol.ts'

/**
 * Runs one statement outside any explicit transaction.
 *
 * @example
 * const result = await executeSingle(backend, { query: 'SELECT $1::int', params: ['1'] })
 */
export async function executeSingle(backend: Backend, statement: SqlStatement): Promise<RawResult> {
  return backend.withSession(function runSingle(session) {
    return session.run(statement)
  })
}

/**
 * Runs statements as one transaction: `BEGIN` with the requested options,
 * each statement in order, `COMMIT`. On any error the transaction is rolled
 * back and the error rethrown, so nothing of the batch persists.
 *
 * @example
 * await executeBatch(backend, [insertUser, insertAccount], { readOnly: false, deferrable: false })
 */
export async function executeBatch(
  backend: Backend,
  statements: SqlStatement[],
  options: BatchOptions,
): Promise<RawResult[]> {
  return backend.withSession(async function runBatch(session) {
    await session.run({ query: beginStatement(options), params: [] })
    try {
      const results: RawResult[] = []
      for (const statement of statements) results.push(await session.run(statement))
      await session.run({ query: 'COMMIT', params: [] })
      return results
    } catch (error) {
      await rollbackQuietly(session)
      throw error
    }
  })
}

/**
 * The `BEGIN` statement for batch options (same clauses as tokio-postgres'
 * transaction builder, which Neon's proxy uses).
 *
 * @example
 * beginStatement({ isolationLevel: 'Serializable', readOnly: true, deferrable: true })
 * // 'BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE'
 */
export function beginStatement(options: BatchOptions): string {
  const modes: string[] = []
  if (options.isolationLevel) modes.push(`ISOLATION LEVEL ${isolationLevels[options.isolationLevel]}`)
  if (options.readOnly) modes.push('READ ONLY')
  if (options.deferrable) modes.push('DEFERRABLE')
  return modes.length === 0 ? 'BEGIN' : `BEGIN ${modes.join(', ')}`
}

async function rollbackQuietly(session: BackendSession): Promise<void> {
  if (session.transactionStatus() === 'I') return
  try {
    await session.run({ query: 'ROLLBACK', params: [] })
  } catch {
    // The backend discards/rolls back a non-idle session anyway; the original error matters more.
  }
}
