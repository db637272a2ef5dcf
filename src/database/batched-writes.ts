/**
 * Transactions for BetterAuth over Neon's HTTP driver, as one Neon batch.
 *
 * neon-http has no interactive transaction (Drizzle's `db.transaction` throws), so BetterAuth's
 * Drizzle adapter runs with `transaction: false` and sign-up wrote user, account and session in
 * three requests: a failure after the first left a user without an account, and the email was
 * bricked. A Neon batch (`db.batch([...])`, one HTTP request) runs as one transaction.
 *
 * BetterAuth groups the writes that belong together with `runWithTransaction(adapter, fn)`
 * (@better-auth/core context/transaction.ts): sign-up (`api/routes/sign-up.ts`: createUser,
 * linkAccount, createSession), OAuth sign-up (`oauth2/link-account.ts` `handleOAuthUserInfo`:
 * createUser, createAccount; `internalAdapter.createOAuthUser`), change and reset of the password.
 * With `transaction: true` the Drizzle adapter calls `db.transaction(tx => fn(adapterOver(tx)))`
 * (@better-auth/drizzle-adapter). This module supplies that `db.transaction`: `tx` defers every
 * INSERT and sends the deferred ones as one batch when `fn` returns; if `fn` throws, nothing was
 * sent. The rows BetterAuth reads back from an insert (`.returning()`) are the values it inserted:
 * BetterAuth generates ids and timestamps itself, and the adapter passes every field, so the
 * created user's id is known before anything is written and later inserts can refer to it.
 *
 * Any other statement inside the transaction (a read, an update, a delete) needs its real result,
 * so it runs at once, in one batch together with the inserts deferred before it (reads see those
 * writes). The guarantee is therefore: the writes between two such statements, and those after the
 * last one, are atomic. Sign-up and OAuth sign-up read only before their first insert, so each is
 * one batch: the existence check, then user + account + session (or + verification) in one trip.
 *
 * Outside a transaction the database is used as is.
 */
import type { Database } from './index.ts'

type Thenable = { then: (resolve: (value: unknown) => unknown, reject: (reason: unknown) => unknown) => unknown }
type Batchable = Parameters<Database['batch']>[0][number]
type Row = Record<string, unknown>
type ColumnLike = { default?: unknown; defaultFn?: () => unknown; onUpdateFn?: () => unknown }

function isThenable(value: unknown): value is Thenable {
  return typeof value === 'object' && value !== null && typeof (value as Thenable).then === 'function'
}

/**
 * The row as `RETURNING` would give it, when it can be known here: what drizzle-orm fills in for a
 * column the values leave out, and null for a column with no default. Every column is present, as
 * in a row read back: an answer built from it (sign-up's user) must look exactly like one built
 * from a row read from the database (sign-up with an existing email, when verification is required).
 */
function completeRow(table: object, values: Row): Row {
  const row: Row = { ...values }
  for (const [key, column] of Object.entries(table) as [string, ColumnLike][]) {
    if (row[key] !== undefined || typeof column !== 'object' || column === null || !('notNull' in column)) continue
    if (column.defaultFn) row[key] = column.defaultFn()
    else if (column.onUpdateFn) row[key] = column.onUpdateFn()
    else if (column.default === undefined) row[key] = null
    else if (typeof column.default !== 'object' || column.default === null) row[key] = column.default
  }
  return row
}

/** One transaction's deferred statements. */
class WriteBatch {
  private pending: Batchable[] = []
  private readonly db: Database

  constructor(db: Database) {
    this.db = db
  }

  defer(statement: Batchable): void {
    this.pending.push(statement)
  }

  /** Runs the deferred statements and `statement` in one round trip; `statement`'s result is returned. */
  async runWith(statement: Batchable): Promise<unknown> {
    if (this.pending.length === 0) return await (statement as unknown as Promise<unknown>)
    const batch = [...this.pending, statement] as unknown as [Batchable, ...Batchable[]]
    this.pending = []
    const results = await this.db.batch(batch)
    return results.at(-1)
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return
    const batch = this.pending as [Batchable, ...Batchable[]]
    this.pending = []
    await this.db.batch(batch)
  }
}

/** A Drizzle query builder whose execution goes through the batch; its chain stays wrapped. */
function throughBatch<T extends object>(builder: T, batch: WriteBatch): T {
  return new Proxy(builder, {
    get(target, property, receiver) {
      if (property === 'then') {
        return (resolve: (value: unknown) => unknown, reject: (reason: unknown) => unknown) =>
          batch.runWith(target as unknown as Batchable).then(resolve, reject)
      }
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const result = value.apply(target, args)
        return isThenable(result) ? throughBatch(result as object, batch) : result
      }
    },
  })
}

/** `tx.insert(table).values(v)[.returning()]`: deferred into the batch, answering with the inserted rows at once. */
function deferredInsert(db: Database, batch: WriteBatch, table: Parameters<Database['insert']>[0]) {
  return {
    values(values: Row | Row[]) {
      const rows = (Array.isArray(values) ? values : [values]).map((v) => completeRow(table, v))
      batch.defer(db.insert(table).values(rows as never) as unknown as Batchable)
      return Object.assign(Promise.resolve({ rowCount: rows.length, rows: [] }), {
        returning: () => Promise.resolve(rows),
      })
    },
  }
}

/** The `tx` handed to a transaction callback: Drizzle's API, inserts deferred, the rest through the batch. */
function transactionView(db: Database, batch: WriteBatch): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'insert')
        return (table: Parameters<Database['insert']>[0]) => deferredInsert(target, batch, table)
      if (property === 'transaction') return (fn: (tx: Database) => unknown) => fn(receiver as Database)
      if (property === 'query') {
        const query = Reflect.get(target, property, receiver) as Record<string, object>
        return new Proxy(query, { get: (models, model) => throughBatch(Reflect.get(models, model) as object, batch) })
      }
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function' || property === 'batch') return value
      return (...args: unknown[]) => {
        const result = value.apply(target, args)
        return typeof result === 'object' && result !== null ? throughBatch(result as object, batch) : result
      }
    },
  })
}

/**
 * The database with a `transaction` that writes as one Neon batch, for BetterAuth's Drizzle
 * adapter with `transaction: true`.
 *
 * @example
 * drizzleAdapter(withBatchedTransactions(db), { provider: 'pg', schema, transaction: true })
 */
export function withBatchedTransactions(db: Database): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'transaction') return Reflect.get(target, property, receiver)
      return async function batchedTransaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
        const batch = new WriteBatch(target)
        const result = await fn(transactionView(target, batch))
        await batch.flush()
        return result
      }
    },
  })
}
