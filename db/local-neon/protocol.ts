/**
 * Neon's SQL-over-HTTP wire format: validating what `@neondatabase/serverless`
 * POSTs, and shaping results and errors the way Neon's proxy answers.
 *
 * Request headers: `Neon-Connection-String` (required), `Neon-Raw-Text-Output`,
 * `Neon-Array-Mode`, and for batches `Neon-Batch-Isolation-Level`,
 * `Neon-Batch-Read-Only`, `Neon-Batch-Deferrable`. Body: `{query, params}` or
 * `{queries: [{query, params}, ...]}`.
 *
 * @module
 */
import type { FieldDescription, PostgresError, RawResult, SqlStatement } from './backend.ts'
import { postgresErrorFieldNames } from './backend.ts'

/** Isolation levels accepted in `Neon-Batch-Isolation-Level` (the driver's spelling). */
export const isolationLevels = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
} as const

export type IsolationLevel = keyof typeof isolationLevels

/** Transaction options of a batch, from the `Neon-Batch-*` headers. */
export type BatchOptions = {
  isolationLevel?: IsolationLevel
  readOnly: boolean
  deferrable: boolean
}

/** A statement plus its per-query `arrayMode` override (Neon accepts one in the body). */
export type RequestedStatement = SqlStatement & { arrayMode: boolean }

/** A validated request to the SQL endpoint. */
export type SqlRequest =
  | { kind: 'single'; connectionString: string; statement: RequestedStatement }
  | { kind: 'batch'; connectionString: string; statements: RequestedStatement[]; options: BatchOptions }

/**
 * A request local-neon refuses before touching a database; `status` is the
 * HTTP status to answer with (400, 405, 413 ...).
 *
 * @example
 * throw new ProtocolError(400, 'missing Neon-Connection-String header')
 */
export class ProtocolError extends Error {
  readonly status: number

  constructor(status: number, message: string) {
    super(message)
    this.name = 'ProtocolError'
    this.status = status
  }
}

/** Reads one request header by (case-insensitive) name. */
export type HeaderLookup = (name: string) => string | undefined

/**
 * Validates headers and JSON body of a `POST /sql` into a {@link SqlRequest}.
 * Throws {@link ProtocolError} for anything Neon would refuse (or that
 * local-neon does not implement).
 *
 * @example
 * const request = parseSqlRequest((name) => headers[name.toLowerCase()], '{"query":"SELECT $1","params":["a"]}')
 */
export function parseSqlRequest(header: HeaderLookup, body: string): SqlRequest {
  const connectionString = readConnectionString(header)
  if (header('neon-raw-text-output') !== 'true') {
    throw new ProtocolError(
      400,
      'local-neon only implements Neon-Raw-Text-Output: true (what @neondatabase/serverless always sends)',
    )
  }
  const defaultArrayMode = header('neon-array-mode') === 'true'
  const payload = parseJsonObject(body)

  // Like Neon's proxy (an untagged serde enum), a body with "query" is a single statement.
  if (!('query' in payload) && 'queries' in payload) {
    if (!Array.isArray(payload.queries)) throw new ProtocolError(400, '"queries" must be an array')
    const statements = payload.queries.map((item: unknown, index: number) =>
      readStatement(item, defaultArrayMode, `queries[${index}]`),
    )
    return { kind: 'batch', connectionString, statements, options: readBatchOptions(header) }
  }
  return { kind: 'single', connectionString, statement: readStatement(payload, defaultArrayMode, 'body') }
}

function readConnectionString(header: HeaderLookup): string {
  const value = header('neon-connection-string')
  if (!value) throw new ProtocolError(400, 'missing Neon-Connection-String header')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ProtocolError(400, 'Neon-Connection-String is not a valid URL')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ProtocolError(400, 'Neon-Connection-String must be a postgres:// or postgresql:// URL')
  }
  return value
}

function parseJsonObject(body: string): Record<string, unknown> {
  let payload: unknown
  try {
    payload = JSON.parse(body)
  } catch {
    throw new ProtocolError(400, 'request body is not valid JSON')
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ProtocolError(400, 'request body must be a JSON object with "query" or "queries"')
  }
  return payload as Record<string, unknown>
}

function readStatement(item: unknown, defaultArrayMode: boolean, where: string): RequestedStatement {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new ProtocolError(400, `${where} must be an object with a "query" string`)
  }
  const { query, params, arrayMode } = item as Record<string, unknown>
  if (typeof query !== 'string') throw new ProtocolError(400, `${where}.query must be a string`)
  if (params !== undefined && !Array.isArray(params)) throw new ProtocolError(400, `${where}.params must be an array`)
  if (arrayMode !== undefined && arrayMode !== null && typeof arrayMode !== 'boolean') {
    throw new ProtocolError(400, `${where}.arrayMode must be a boolean`)
  }
  return {
    query,
    params: (params ?? []).map(jsonParamToText),
    arrayMode: typeof arrayMode === 'boolean' ? arrayMode : defaultArrayMode,
  }
}

function readBatchOptions(header: HeaderLookup): BatchOptions {
  const level = header('neon-batch-isolation-level')
  if (level !== undefined && !Object.hasOwn(isolationLevels, level)) {
    throw new ProtocolError(400, 'invalid isolation level')
  }
  return {
    isolationLevel: level as IsolationLevel | undefined,
    readOnly: header('neon-batch-read-only') === 'true',
    deferrable: header('neon-batch-deferrable') === 'true',
  }
}

/**
 * Converts one JSON parameter to Postgres text exactly as Neon's proxy does:
 * strings pass through, null stays null, booleans/numbers/objects become their
 * JSON text, arrays become Postgres array literals.
 *
 * @example
 * jsonParamToText(['a"b', null, 1]) // '{"a\\"b",NULL,1}'
 */
export function jsonParamToText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return arrayLiteral(value)
  return JSON.stringify(value)
}

function arrayLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (Array.isArray(value)) return `{${value.map(arrayLiteral).join(',')}}`
  if (typeof value === 'object') return JSON.stringify(JSON.stringify(value))
  return JSON.stringify(value)
}

/** One result as Neon's proxy serialises it. */
export type NeonQueryResult = {
  rowAsArray: boolean
  fields: (FieldDescription & { format: 'text' })[]
  rows: (string | null)[][] | Record<string, string | null>[]
  command: string
  rowCount: number | null
}

/**
 * Shapes a backend result as Neon's JSON: rows as arrays (array mode) or as
 * objects keyed by column name, values untouched Postgres text.
 *
 * @example
 * toNeonResult({ command: 'SELECT', rowCount: 1, fields, rows: [['1']] }, true)
 */
export function toNeonResult(result: RawResult, arrayMode: boolean): NeonQueryResult {
  const fields = result.fields.map((field) => ({ ...field, format: 'text' as const }))
  const rows = arrayMode
    ? result.rows
    : result.rows.map((row) => Object.fromEntries(result.fields.map((field, i) => [field.name, row[i] ?? null])))
  return { rowAsArray: arrayMode, fields, rows, command: result.command, rowCount: result.rowCount }
}

/** Neon's error body: `message` plus every Postgres error field (null when absent). */
export type NeonErrorBody = { message: string } & Record<string, string | null>

/**
 * Shapes a Postgres error as Neon's HTTP 400 body, which the driver copies
 * onto its `NeonDbError` (`code`, `constraint`, `detail`, ...).
 *
 * @example
 * toNeonError(new PostgresError('boom', { code: '23505' })) // { message: 'boom', code: '23505', detail: null, ... }
 */
export function toNeonError(error: PostgresError): NeonErrorBody {
  const body: NeonErrorBody = { message: error.message }
  for (const name of postgresErrorFieldNames) body[name] = error.fields[name] ?? null
  return body
}
