/**
 * Fault injection for local-neon: the bad days a real Neon endpoint has (a statement that fails,
 * a database that hangs, a connection that drops, a far region's latency), on demand, so tests can
 * show what the service does on each. Only tests and the benchmark use it; the endpoint behaves
 * exactly like Neon while no rule is set.
 *
 * A rule matches statements by their SQL text. Where a matched statement fails, it fails inside
 * the real database (a `RAISE` in its place), so a batch is rolled back by Postgres itself, just as
 * a failing statement of a Neon batch would be.
 *
 * @module
 */
import type { SqlStatement } from './backend.ts'

export type FaultAction =
  /** The statement fails in the database with this SQLSTATE (default `XX000`, internal_error). */
  | { kind: 'error'; code?: string; message?: string }
  /** The request is never answered while the rule is in force (a hung compute node). */
  | { kind: 'hang' }
  /** The connection is dropped before any answer (a network failure). */
  | { kind: 'drop' }
  /** Neon's proxy answers with this HTTP status and a non-Postgres error body. */
  | { kind: 'http'; status: number }
  /** The answer is held this long first. */
  | { kind: 'delay'; ms: number }

export interface FaultRule {
  /** Statements whose SQL matches (a string matches as a case-insensitive substring); all when absent. */
  readonly match?: RegExp | string
  readonly action: FaultAction
  /** How many requests it applies to before it lapses; unlimited when absent. */
  readonly times?: number
}

/** What a request meets before it runs, decided once per HTTP request. */
export type RequestFault =
  | { kind: 'none' }
  | { kind: 'hang'; released: Promise<void> }
  | { kind: 'drop' }
  | { kind: 'http'; status: number }
  | { kind: 'delay'; ms: number }

export interface Faults {
  /** Adds a rule; the returned function removes it (and releases requests it holds). */
  inject(rule: FaultRule): () => void
  /** Removes every rule and releases every held request. */
  clear(): void
  /** Holds every answer this many milliseconds (a database in another region); 0 for none. */
  setLatency(ms: number): void
  /** Internal: what the request for these statements meets, counting down matched rules. */
  forRequest(statements: readonly SqlStatement[]): RequestFault
  /** Internal: the statements to run, failing ones replaced by a `RAISE`. */
  rewrite(statements: readonly SqlStatement[]): SqlStatement[]
  readonly latencyMs: number
}

interface LiveRule {
  readonly rule: FaultRule
  remaining: number
  release: () => void
  readonly released: Promise<void>
}

function matches(rule: FaultRule, statement: SqlStatement): boolean {
  const { match } = rule
  if (match === undefined) return true
  if (typeof match === 'string') return statement.query.toLowerCase().includes(match.toLowerCase())
  return match.test(statement.query)
}

/** SQLSTATE is five characters of [0-9A-Z]; anything else is refused here rather than sent as SQL. */
function raiseStatement(action: Extract<FaultAction, { kind: 'error' }>): SqlStatement {
  const code = action.code ?? 'XX000'
  if (!/^[0-9A-Z]{5}$/.test(code)) throw new Error(`local-neon: "${code}" is not a SQLSTATE`)
  return {
    query: `DO $fault$ BEGIN RAISE EXCEPTION USING ERRCODE = '${code}', MESSAGE = $1; END $fault$`.replace(
      '$1',
      `'${(action.message ?? 'local-neon: injected fault').replaceAll("'", "''")}'`,
    ),
    params: [],
  }
}

/**
 * A fault set for one endpoint.
 *
 * @example
 * const faults = createFaults()
 * const undo = faults.inject({ match: /insert into "account"/i, action: { kind: 'error' }, times: 1 })
 * faults.inject({ action: { kind: 'hang' } }) // every request hangs until clear()
 */
export function createFaults(): Faults {
  const rules = new Set<LiveRule>()
  let latencyMs = 0

  function remove(live: LiveRule): void {
    rules.delete(live)
    live.release()
  }

  function take(live: LiveRule): void {
    live.remaining -= 1
    if (live.remaining <= 0) rules.delete(live)
  }

  return {
    inject(rule) {
      let release = () => {}
      const released = new Promise<void>((resolve) => {
        release = resolve
      })
      const live: LiveRule = { rule, remaining: rule.times ?? Number.POSITIVE_INFINITY, release, released }
      rules.add(live)
      return () => remove(live)
    },
    clear() {
      for (const live of [...rules]) remove(live)
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms)
    },
    get latencyMs() {
      return latencyMs
    },
    forRequest(statements) {
      for (const live of rules) {
        const { action } = live.rule
        if (action.kind === 'error') continue
        if (!statements.some((statement) => matches(live.rule, statement))) continue
        take(live)
        if (action.kind === 'hang') return { kind: 'hang', released: live.released }
        return action
      }
      return { kind: 'none' }
    },
    rewrite(statements) {
      return statements.map((statement) => {
        for (const live of rules) {
          const { action } = live.rule
          if (action.kind !== 'error' || !matches(live.rule, statement)) continue
          take(live)
          return raiseStatement(action)
        }
        return statement
      })
    },
  }
}
