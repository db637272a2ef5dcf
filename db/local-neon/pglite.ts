/**
 * PGlite backend: an embedded (WASM) Postgres, persisted in a data directory
 * or kept in memory.
 *
 * Statements go straight through PGlite's wire-protocol entry point
 * (`execProtocol`) as Parse/Bind/Describe/Execute/Sync, with every parameter
 * sent as untyped text — exactly like Neon's proxy — and rows come back as
 * the server's text output. (PGlite's own `query()` would instead serialise
 * parameters by inferred type, e.g. JSON-encode a string bound to jsonb.)
 *
 * PGlite has a single connection, so sessions are handed out one at a time
 * through a promise queue: a batch's BEGIN..COMMIT is never interleaved with
 * another request.
 *
 * @module
 */
import { mkdirSync } from 'node:fs'
import type { messages as wire } from '@electric-sql/pglite'
import { PGlite, protocol } from '@electric-sql/pglite'
import type {
  Backend,
  BackendSession,
  FieldDescription,
  RawResult,
  SqlStatement,
  TransactionStatus,
} from './backend.ts'
import { describeField, PostgresError, parseCommandTag, toPostgresError } from './backend.ts'

/**
 * Neon sessions run in UTC with ISO dates. PGlite already starts that way (and
 * ignores `ALTER DATABASE/ROLE ... SET`), so this only pins it explicitly. Like
 * a pooled Neon connection, a client's own `SET` lasts for the session.
 */
const sessionSetup = "SET TIME ZONE 'UTC'; SET DateStyle TO 'ISO, MDY'"

/**
 * Opens PGlite at `dataDir` (created if missing; in memory when omitted, from the `loadDataDir`
 * tarball when given).
 *
 * @example
 * const backend = await createPgliteBackend({ dataDir: '.data/pglite' })
 * await backend.withSession((session) => session.run({ query: 'SELECT 1', params: [] }))
 * await backend.close()
 */
export async function createPgliteBackend(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<Backend> {
  if (options.dataDir && options.loadDataDir) throw new Error('local-neon PGlite: dataDir or loadDataDir, not both')
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true })
  const db = await PGlite.create(
    options.dataDir ? { dataDir: options.dataDir } : options.loadDataDir ? { loadDataDir: options.loadDataDir } : {},
  )
  await db.exec(sessionSetup)

  let status: TransactionStatus = 'I'
  let queue: Promise<unknown> = Promise.resolve()
  let closed = false

  const session: BackendSession = {
    async run(statement) {
      const result = await runStatement(db, statement)
      status = result.status
      if (result.error) throw result.error
      return result.result
    },
    transactionStatus: () => status,
  }

  async function lend<T>(work: (session: BackendSession) => Promise<T>): Promise<T> {
    try {
      return await work(session)
    } finally {
      // A single statement like `BEGIN` must not leave the only connection in a transaction.
      if (status !== 'I') await session.run({ query: 'ROLLBACK', params: [] }).catch(() => undefined)
    }
  }

  return {
    kind: 'pglite',
    withSession<T>(work: (session: BackendSession) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new Error('local-neon PGlite backend is closed'))
      const turn = queue.then(() => lend(work))
      queue = turn.catch(() => undefined)
      return turn
    },
    async close() {
      if (closed) return
      closed = true
      await queue
      await db.close()
    },
  }
}

type StatementOutcome =
  | { status: TransactionStatus; error: PostgresError; result?: undefined }
  | { status: TransactionStatus; error?: undefined; result: RawResult }

async function runStatement(db: PGlite, statement: SqlStatement): Promise<StatementOutcome> {
  const { serialize } = protocol
  const message = concatBytes([
    serialize.parse({ text: statement.query }),
    serialize.bind({ values: statement.params }),
    serialize.describe({ type: 'P' }),
    serialize.execute({}),
    serialize.sync(),
  ])
  const { messages } = await db.execProtocol(message, { throwOnError: false, onNotice: ignoreNotice })
  return collectOutcome(messages)
}

function ignoreNotice(): void {}

/** Folds the backend messages of one extended-protocol round into a result or an error. */
function collectOutcome(backendMessages: wire.BackendMessage[]): StatementOutcome {
  let fields: FieldDescription[] = []
  const rows: (string | null)[][] = []
  let tag = ''
  let error: PostgresError | undefined
  let status: TransactionStatus = 'I'

  for (const message of backendMessages) {
    switch (message.name) {
      case 'rowDescription':
        fields = (message as wire.RowDescriptionMessage).fields.map(describeField)
        break
      case 'dataRow':
        rows.push((message as wire.DataRowMessage).fields as (string | null)[])
        break
      case 'commandComplete':
        tag = (message as wire.CommandCompleteMessage).text
        break
      case 'readyForQuery':
        status = (message as wire.ReadyForQueryMessage).status as TransactionStatus
        break
      case 'error':
        error = toPostgresError(message) ?? new PostgresError(String((message as unknown as Error).message), {})
        break
    }
  }
  if (error) return { status, error }
  return { status, result: { ...parseCommandTag(tag), fields, rows } }
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
