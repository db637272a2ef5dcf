/**
 * A deadline on every database round trip. Neon's HTTP driver spreads the client's `fetchOptions`
 * into each `fetch` it makes (`{ method, body, headers, ...fetchOptions }`, @neondatabase/serverless
 * 1.2 `neon()`), so a `signal` getter there yields a fresh `AbortSignal.timeout` per query or batch:
 * the timer starts with that round trip, belongs to the request making it, and no state outlives it.
 * An aborted fetch surfaces as a `NeonDbError` whose `sourceError` is the `TimeoutError`, which
 * `isDatabaseUnavailable` (unavailable.ts) turns into a 503.
 */

export function deadlineFetchOptions(timeoutMs: number): RequestInit {
  return {
    get signal() {
      return AbortSignal.timeout(timeoutMs)
    },
  }
}
