/**
 * One way to stop waiting: `within(promise, ms)` settles with the promise's value, or with
 * `TIMED_OUT` once `ms` have passed, and never leaves a timer behind. The promise itself is not
 * cancelled; callers that can abort their I/O do so when they see `TIMED_OUT`.
 */
export const TIMED_OUT: unique symbol = Symbol('timed out')

/**
 * @example
 * const rows = await within(query, 2500)
 * if (rows === TIMED_OUT) abort.abort()
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}
