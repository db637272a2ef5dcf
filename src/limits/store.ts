/**
 * The shared counters behind every limit, in the `rate_limit` table: every isolate and process on
 * one database spends one budget. A counted request is ONE statement: it counts the request in
 * each of its buckets (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`, atomic per row, so
 * concurrent requests cannot all pass a stale read), takes a sign-in attempt against the account's
 * throttle, and prunes a few expired rows on the way. The database's clock decides every window,
 * so isolates with skewed clocks agree.
 */
import type { RawResult, Rider } from '../database/carried.ts'
import { carry, uncarry } from '../database/deadline.ts'
import type { DatabaseClient } from '../database/index.ts'

/**
 * A fixed-window counter: at most `max` requests per `windowSeconds`. Buckets count in stages,
 * narrowest first (an address, then its wider groups, then the mail recipient): a request refused
 * in one stage is not counted in the later ones, so a client spending its own budget does not
 * spend its neighbours' or a recipient's.
 */
export interface Bucket {
  readonly key: string
  readonly windowSeconds: number
  readonly max: number
  readonly stage: number
}

/**
 * The per-account sign-in throttle, counted after every bucket allowed the request: the first
 * `threshold` attempts pass; after them each attempt waits `baseSeconds * 2^(n - threshold)` (at
 * most `capSeconds`) after the one before. The count starts over after `quietSeconds` without one.
 */
export interface AccountThrottle {
  readonly key: string
  readonly threshold: number
  readonly baseSeconds: number
  readonly capSeconds: number
  readonly quietSeconds: number
}

/**
 * `retryAfter`: refused, seconds until the request would be allowed (0: allowed).
 * `attemptCounted`: the account's throttle counted this attempt (give it back if it never ran).
 */
export interface Verdict {
  readonly retryAfter: number
  readonly attemptCounted: boolean
  /** The counters that refused, each with the seconds until it would allow again. */
  readonly refusedBy?: readonly { readonly key: string; readonly retryAfter: number }[]
}

/** Expired rows pruned by each counted request, at most: bounded work, skipped when locked. */
const PRUNE_BATCH = 20

interface Row {
  key: string
  count: number
  retry_after: number
  counted: boolean
}

/**
 * The one statement: prune, then each stage's upsert (skipped once an earlier stage is over its
 * budget), then the account's throttle; it returns every row it counted.
 */
function statement(buckets: readonly Bucket[], account: AccountThrottle | undefined): [string, unknown[]] {
  const params: unknown[] = []
  const param = (value: unknown, cast: string) => {
    params.push(value)
    return `$${params.length}::${cast}`
  }
  const keys = [...buckets.map((b) => b.key), ...(account ? [account.key] : [])]
  const parts = [
    `expired AS (SELECT key FROM rate_limit WHERE reset_at < now()
       AND key <> ALL(string_to_array(${param(keys.join(','), 'text')}, ','))
       LIMIT ${PRUNE_BATCH} FOR UPDATE SKIP LOCKED)`,
    'pruned AS (DELETE FROM rate_limit r USING expired e WHERE r.key = e.key)',
  ]
  const selects: string[] = []
  const stages = [...new Set(buckets.map((b) => b.stage))].sort((a, b) => a - b)
  if (buckets.length > 0) {
    const values = buckets
      .map((b) => `(${param(b.key, 'text')}, ${param(b.windowSeconds, 'int')}, ${param(b.max, 'int')}, ${b.stage})`)
      .join(', ')
    parts.push(`rules (key, window_s, max_n, stage) AS (VALUES ${values})`)
  }
  /** No earlier stage refused: the condition of every later upsert. */
  const allowedSoFar: string[] = []
  stages.forEach((stage, i) => {
    parts.push(`counted_${i} AS (
      INSERT INTO rate_limit AS r (key, count, reset_at)
      SELECT key, 1, now() + make_interval(secs => window_s) FROM rules
      WHERE stage = ${stage} ${allowedSoFar.map((c) => `AND ${c}`).join(' ')}
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.count + 1 END,
        reset_at = CASE WHEN r.reset_at <= now() THEN excluded.reset_at ELSE r.reset_at END
      RETURNING key, count, ceil(extract(epoch FROM reset_at - now()))::int AS retry_after, true AS counted)`)
    selects.push(`SELECT * FROM counted_${i}`)
    allowedSoFar.push(`NOT EXISTS (SELECT 1 FROM counted_${i} c JOIN rules USING (key) WHERE c.count > rules.max_n)`)
  })
  if (account) {
    const threshold = param(account.threshold, 'int')
    const cap = param(account.capSeconds, 'float8')
    const base = param(account.baseSeconds, 'float8')
    const backoff = (count: string) =>
      `make_interval(secs => least(${cap}, ${base} * power(2, ${count} - ${threshold})))`
    const waiting = `(r.reset_at > now() AND r.count >= ${threshold} AND now() < r.last_at + ${backoff('r.count')})`
    const quiet = `make_interval(secs => ${param(account.quietSeconds, 'int')})`
    parts.push(`throttled AS (
      INSERT INTO rate_limit AS r (key, count, reset_at, last_at)
      SELECT ${param(account.key, 'text')}, 1, now() + ${quiet}, now()
      ${allowedSoFar.length > 0 ? `WHERE ${allowedSoFar.join(' AND ')}` : ''}
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN r.reset_at <= now() THEN 1 WHEN ${waiting} THEN r.count ELSE r.count + 1 END,
        last_at = CASE WHEN ${waiting} THEN r.last_at ELSE now() END,
        reset_at = CASE WHEN ${waiting} THEN r.reset_at ELSE now() + ${quiet} END
      RETURNING key, count,
        CASE WHEN last_at = now() THEN 0
          ELSE ceil(extract(epoch FROM last_at + ${backoff('count')} - now()))::int END AS retry_after,
        last_at = now() AS counted)`)
    selects.push('SELECT * FROM throttled')
  }
  return [`WITH ${parts.join(',\n')}\n${selects.join(' UNION ALL ')}`, params]
}

const NOTHING_COUNTED: Verdict = { retryAfter: 0, attemptCounted: false }

/** The verdict on the rows the statement returned. */
function judge(buckets: readonly Bucket[], rows: readonly Row[]): Verdict {
  let retryAfter = 0
  let attemptCounted = false
  const refusedBy: { key: string; retryAfter: number }[] = []
  for (const row of rows) {
    const bucket = buckets.find((b) => b.key === row.key)
    if (!bucket) attemptCounted = row.counted
    const refused = bucket ? row.count > bucket.max : !row.counted
    if (!refused) continue
    const wait = Math.max(row.retry_after, 1)
    retryAfter = Math.max(retryAfter, wait)
    refusedBy.push({ key: row.key, retryAfter: wait })
  }
  return { retryAfter, attemptCounted, refusedBy }
}

/** The statement's rows from Neon's raw answer (every value as text). */
function rowsOf(result: RawResult): Row[] {
  const at = (name: string) => result.fields.findIndex((field) => field.name === name)
  const [key, count, retryAfter, counted] = [at('key'), at('count'), at('retry_after'), at('counted')]
  return result.rows.map((row) => ({
    key: row[key] ?? '',
    count: Number(row[count]),
    retry_after: Number(row[retryAfter] ?? 0),
    counted: row[counted] === 't' || row[counted] === 'true',
  }))
}

/** The shared store of one database; built once per isolate (see limits/index.ts). */
export interface LimitStore {
  /**
   * Counts one request in each bucket and, given one, takes an attempt against the account's
   * throttle; refused when any bucket is over its `max` or the account must still wait.
   */
  take(buckets: readonly Bucket[], account?: AccountThrottle): Promise<Verdict>
  /**
   * The same count, sent with the request's next round trip (database/carried.ts): a refusal
   * discards that trip's read. `sendNow()` sends it alone if no trip has carried it yet.
   */
  takeWithNextTrip(
    buckets: readonly Bucket[],
    account?: AccountThrottle,
  ): { verdict: Promise<Verdict>; sendNow(): void }
  /** Gives back an attempt that succeeded (the throttle counts failures, not sign-ins). */
  giveBack(accountKey: string): Promise<void>
  /** Forgets a counter: the account's throttle after a password reset. */
  clear(key: string): Promise<void>
}

/**
 * @example
 * const store = databaseLimitStore(database)
 * const verdict = await store.take([{ key: 'address:…', windowSeconds: 10, max: 3, stage: 0 }])
 * if (verdict.retryAfter > 0) return tooManyRequests(verdict.retryAfter)
 */
export function databaseLimitStore(database: DatabaseClient): LimitStore {
  return {
    async take(buckets, account) {
      if (buckets.length === 0 && !account) return NOTHING_COUNTED
      const [text, params] = statement(buckets, account)
      return judge(buckets, (await database.sql.query(text, params)) as Row[])
    },
    takeWithNextTrip(buckets, account) {
      if (buckets.length === 0 && !account) return { verdict: Promise.resolve(NOTHING_COUNTED), sendNow() {} }
      const [query, params] = statement(buckets, account)
      let settle!: (verdict: Verdict | Promise<Verdict>) => void
      let fail!: (error: unknown) => void
      const verdict = new Promise<Verdict>((resolve, reject) => {
        settle = resolve
        fail = reject
      })
      verdict.catch(() => undefined) // awaited after the route; never an unhandled rejection meanwhile
      const rider: Rider = {
        statement: { query, params: params.map((value) => (value == null ? null : String(value))) },
        refuses: (result) => judge(buckets, rowsOf(result)).retryAfter > 0,
        settle: (outcome) =>
          'result' in outcome ? settle(judge(buckets, rowsOf(outcome.result))) : fail(outcome.error),
      }
      const sendAlone = () => settle(this.take(buckets, account))
      if (!carry(rider)) sendAlone()
      return {
        verdict,
        sendNow() {
          if (uncarry(rider)) sendAlone()
        },
      }
    },
    async giveBack(accountKey) {
      await database.sql.query('UPDATE rate_limit SET count = greatest(count - 1, 0) WHERE key = $1', [accountKey])
    },
    async clear(key) {
      await database.sql.query('DELETE FROM rate_limit WHERE key = $1', [key])
    },
  }
}
