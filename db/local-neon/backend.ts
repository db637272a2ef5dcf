/**
 * The contract between the HTTP layer of local-neon and the databases behind
 * it (PGlite, or a real PostgreSQL), plus the error type both backends raise.
 *
 * A backend only knows how to run one statement at a time on a session and
 * return Postgres' *text* output; batch/transaction semantics live in
 * `execute.ts`, HTTP shaping in `protocol.ts`.
 *
 * @module
 */

/** One SQL statement with its parameters already in Postgres text form (or null). */
export type SqlStatement = {
  query: string
  params: (string | null)[]
}

/** Column metadata, as in a RowDescription message. */
export type FieldDescription = {
  name: string
  tableID: number
  columnID: number
  dataTypeID: number
  dataTypeSize: number
  dataTypeModifier: number
}

/** The Neon field description of a column, from either backend's row description. */
export function describeField(field: FieldDescription): FieldDescription {
  return {
    name: field.name,
    tableID: field.tableID,
    columnID: field.columnID,
    dataTypeID: field.dataTypeID,
    dataTypeSize: field.dataTypeSize,
    dataTypeModifier: field.dataTypeModifier,
  }
}

/**
 * The outcome of one statement: Neon's `command`/`rowCount` split of the
 * command tag, the columns, and every value as Postgres text (null stays null).
 */
export type RawResult = {
  command: string
  rowCount: number | null
  fields: FieldDescription[]
  rows: (string | null)[][]
}

/** Transaction status from ReadyForQuery: Idle, in Transaction, or in a failed (Error) transaction. */
export type TransactionStatus = 'I' | 'T' | 'E'

/** A single database connection, lent to one request at a time. */
export interface BackendSession {
  /** Runs one statement with the extended protocol (so multi-statement strings are refused, as on Neon). */
  run(statement: SqlStatement): Promise<RawResult>
  /** Status reported after the last statement. */
  transactionStatus(): TransactionStatus
}

/** A database local-neon can serve. */
export interface Backend {
  readonly kind: 'pglite' | 'postgres'
  /**
   * Lends a session exclusively to `work`. When `work` settles the backend
   * makes sure no transaction stays open on that session (PGlite rolls back,
   * the pool discards the connection), like Neon's proxy discarding a
   * connection that is not idle.
   */
  withSession<T>(work: (session: BackendSession) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** The error and notice fields Postgres can send (ErrorResponse), by pg-protocol's names. */
export const postgresErrorFieldNames = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const

export type PostgresErrorFieldName = (typeof postgresErrorFieldNames)[number]
export type PostgresErrorFields = { [K in PostgresErrorFieldName]?: string }

/**
 * An error reported by Postgres itself (an ErrorResponse), as opposed to a
 * transport or local failure. Answered with HTTP 400, like Neon does.
 *
 * @example
 * throw new PostgresError('duplicate key value violates unique constraint "t_pkey"', { code: '23505', constraint: 't_pkey' })
 */
export class PostgresError extends Error {
  readonly fields: PostgresErrorFields

  constructor(message: string, fields: PostgresErrorFields) {
    super(message)
    this.name = 'PostgresError'
    this.fields = fields
  }
}

/**
 * Recognises a pg-protocol `DatabaseError` (thrown by `pg`, returned by
 * PGlite) and copies its fields into a {@link PostgresError}; anything else
 * gives `undefined`.
 *
 * @example
 * const pgError = toPostgresError(caught)
 * if (!pgError) throw caught
 */
export function toPostgresError(error: unknown): PostgresError | undefined {
  if (error instanceof PostgresError) return error
  if (!(error instanceof Error)) return undefined
  const candidate = error as Error & Record<string, unknown>
  if (typeof candidate.code !== 'string' || typeof candidate.severity !== 'string') return undefined

  const fields: PostgresErrorFields = {}
  for (const name of postgresErrorFieldNames) {
    const value = candidate[name]
    if (typeof value === 'string') fields[name] = value
  }
  return new PostgresError(error.message, fields)
}

/**
 * Splits a command tag the way Neon's proxy does: the first word is the
 * command, the last number (after the OID for INSERT) is the row count.
 *
 * @example
 * parseCommandTag('INSERT 0 3') // { command: 'INSERT', rowCount: 3 }
 * parseCommandTag('CREATE TABLE') // { command: 'CREATE', rowCount: null }
 */
export function parseCommandTag(tag: string): { command: string; rowCount: number | null } {
  const space = tag.indexOf(' ')
  if (space === -1) return { command: tag, rowCount: null }
  const command = tag.slice(0, space)
  let rest = tag.slice(space + 1)
  if (command === 'INSERT') {
    const oidEnd = rest.indexOf(' ')
    if (oidEnd === -1) return { command, rowCount: null }
    rest = rest.slice(oidEnd + 1)
  }
  return { command, rowCount: /^\d+$/.test(rest) ? Number(rest) : null }
}
