/**
 * Which failures mean "the database is unavailable" (answer 503, try again) rather than "this
 * request or the code is wrong" (4xx, or a logged 500). The error reaches us wrapped: Drizzle's
 * `DrizzleQueryError` (`cause`) around Neon's `NeonDbError` (`sourceError` for a failed fetch), and
 * sometimes BetterAuth's `APIError` (`cause`). The chain is walked, a few levels deep.
 */

/** SQLSTATE classes of a database that cannot serve now: connection (08), resources (53),
 * operator intervention such as shutdown or cancel (57), system (58), internal error (XX). */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58|XX)/
/** A write collided with a concurrent one on a unique key. */
export const UNIQUE_VIOLATION = '23505'
/** SQLSTATE class of a value Postgres cannot take (22021: a NUL byte or invalid encoding, …). */
export const DATA_EXCEPTION_CLASS = '22'
/** A row refers to one that does not exist. */
export const FOREIGN_KEY_VIOLATION = '23503'

type Failure = { name?: unknown; code?: unknown; cause?: unknown; sourceError?: unknown }

function* chain(error: unknown): Generator<Failure> {
  let current = error
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const failure = current as Failure
    yield failure
    current = failure.sourceError ?? failure.cause
  }
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (const failure of chain(error)) {
    if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return true
    if (failure.name === 'NeonDbError') {
      // No SQLSTATE: the fetch failed, or Neon's proxy answered with an HTTP error.
      if (typeof failure.code !== 'string' || failure.code === '') return true
      return UNAVAILABLE_SQLSTATE.test(failure.code)
    }
  }
  return false
}

/** The trip's deadline passed with no answer (database/deadline.ts), as opposed to a failed connection. */
export function isDatabaseTimeout(error: unknown): boolean {
  for (const failure of chain(error)) if (failure.name === 'TimeoutError') return true
  return false
}

/** The limits refused the request on its first trip (database/carried.ts): not a failure at all. */
export function isRefusedByCarried(error: unknown): boolean {
  for (const failure of chain(error)) if (failure.name === 'RefusedByCarried') return true
  return false
}

/** A write was sent and no answer came back (database/deadline.ts): it may have been applied. */
export function isWriteOutcomeUnknown(error: unknown): boolean {
  for (const failure of chain(error)) if (failure.name === 'WriteOutcomeUnknown') return true
  return false
}

/** The SQLSTATE of a Postgres error anywhere in the chain, if there is one. */
export function sqlState(error: unknown): string | undefined {
  for (const failure of chain(error)) {
    if (failure.name === 'NeonDbError' && typeof failure.code === 'string' && failure.code) return failure.code
  }
  return undefined
}
