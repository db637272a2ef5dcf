/**
 * Deadlines that measure the database. Each round trip has one (`DATABASE_TIMEOUT_MS`), and a
 * request has one budget for all its trips together (twice that), so a slow database cannot hold
 * a request for trip after trip (a sign-in once took 16.8 s on Node at 2.5 s per trip).
 *
 * What a deadline counts: the time from the moment the fetch is dispatched until the database's
 * answer arrives (its response headers), while the isolate is free to take that answer. The
 * deadline used to be an `AbortSignal.timeout` on the whole fetch, body included, counting wall
 * time. Under a burst on workerd the isolate is busy with other requests' password hashes
 * (node:crypto's scrypt runs synchronously there, about 70 ms each), and workerd reads sockets on
 * the isolate's own thread: an answer that arrived in time waited behind those hashes for every
 * turn of the event loop that reads it, the timer fired first, and the request answered 503 though
 * the database had answered (and applied its writes: 23 accounts created behind a 503 in 200
 * concurrent sign-ups at 1 s per query). Now the deadline is counted in ticks of a timer: a tick
 * that comes late because the isolate was busy counts as one tick, not as the time it was late.
 * An idle isolate's ticks come on time, so a database that hangs is still given up at the deadline.
 *
 * A write whose trip is abandoned (aborted, or the connection failed) may still be applied by the
 * database: it fails with `WriteOutcomeUnknown`, which the app answers with
 * `503 WRITE_OUTCOME_UNKNOWN`, never with a code that reads as "not done".
 *
 * Neon's HTTP driver has one fetch function per process (`neonConfig.fetchFunction`) and spreads a
 * client's `fetchOptions` into each of its fetches: the client's deadline travels there.
 */
import { getAsyncLocalStorage } from '@better-auth/core/async_hooks'
import { RefusedByCarried, type Rider, sendWithRiders, writesAnything } from './carried.ts'

/**
 * A request's trips: the database time spent and allowed, the statements waiting to ride on the
 * next trip (database/carried.ts), and whether one of them refused the request. Closed once its
 * answer is sent.
 */
interface Budget {
  readonly limitMs: number
  spentMs: number
  closed: boolean
  riders: Rider[]
  refused: boolean
}

type Budgets = { run<R>(store: Budget, fn: () => R): R; getStore(): Budget | undefined }
// BetterAuth's own way to AsyncLocalStorage on each runtime (node:async_hooks, or the Edge global).
let budgets: Budgets | undefined
const budgetsReady = getAsyncLocalStorage().then(
  (Storage) => {
    budgets = new Storage<Budget>()
  },
  () => undefined,
)

/** A request's whole database time is at most this many trips' deadlines. */
export const BUDGET_TRIPS = 2

/** A write abandoned at its deadline or cut off on the way: the database may have applied it. */
export class WriteOutcomeUnknown extends Error {
  override readonly name = 'WriteOutcomeUnknown'
}

function timeoutError(message: string): Error {
  return new DOMException(message, 'TimeoutError')
}

/** Runs `fn` (a request's handling) with one budget of database time for all its trips. */
export async function withDatabaseBudget<T>(tripDeadlineMs: number, fn: () => Promise<T>): Promise<T> {
  await budgetsReady
  if (!budgets) return fn()
  const budget: Budget = {
    limitMs: tripDeadlineMs * BUDGET_TRIPS,
    spentMs: 0,
    closed: false,
    riders: [],
    refused: false,
  }
  try {
    return await budgets.run(budget, fn)
  } finally {
    // Work after the answer (waitUntil) keeps only the per-trip deadline.
    budget.closed = true
  }
}

/**
 * Puts `rider` on the request's next round trip; false outside a request's handling (the caller
 * sends its statement itself).
 */
export function carry(rider: Rider): boolean {
  const budget = budgets?.getStore()
  if (!budget || budget.closed) return false
  budget.riders.push(rider)
  return true
}

/** Takes `rider` back if no trip has carried it yet; true when it was still waiting. */
export function uncarry(rider: Rider): boolean {
  const budget = budgets?.getStore()
  const index = budget?.riders.indexOf(rider) ?? -1
  if (index < 0) return false
  budget!.riders.splice(index, 1)
  return true
}

/** The client's `fetchOptions`: its per-trip deadline, read by {@link deadlineFetch}. */
export function deadlineFetchOptions(timeoutMs: number): RequestInit {
  return { deadlineMs: timeoutMs } as RequestInit
}

/** A deadline counts in ticks of this length; a late tick counts at most {@link LATE_TICK_MS}. */
export const TICK_MS = 100
const LATE_TICK_MS = 150

/**
 * Aborts `controller` once `allowedMs` of ticks have passed; `stop()` ends it and returns the
 * time counted.
 */
function tickingDeadline(allowedMs: number, controller: AbortController): { stop(): number } {
  let counted = 0
  let last = Date.now()
  let timer: ReturnType<typeof setTimeout>
  const tick = () => {
    const now = Date.now()
    counted += Math.min(now - last, LATE_TICK_MS)
    last = now
    if (counted >= allowedMs) controller.abort(timeoutError('The database did not answer in time'))
    else timer = setTimeout(tick, Math.min(TICK_MS, allowedMs - counted))
  }
  timer = setTimeout(tick, Math.min(TICK_MS, allowedMs))
  return {
    stop() {
      clearTimeout(timer)
      return counted + Math.min(Date.now() - last, LATE_TICK_MS)
    },
  }
}

/** The driver's fetch function: a fetch whose answer must arrive within the trip's deadline and the request's budget. */
export async function deadlineFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const { deadlineMs, ...rest } = (init ?? {}) as RequestInit & { deadlineMs?: number }
  if (deadlineMs === undefined) return fetch(input, rest)
  const budget = budgets?.getStore()
  const open = budget && !budget.closed ? budget : undefined
  if (open?.refused) throw new RefusedByCarried('the request was refused; nothing more is sent')
  const riders = open?.riders.splice(0) ?? []
  if (riders.length === 0 || typeof rest.body !== 'string') return trip(input, rest, deadlineMs, open)
  try {
    return await sendWithRiders(rest.body, riders, (body) => trip(input, { ...rest, body }, deadlineMs, open))
  } catch (error) {
    if (open && error instanceof RefusedByCarried) open.refused = true
    throw error
  }
}

/** One round trip, within its deadline and what is left of the request's budget. */
async function trip(input: string | URL | Request, init: RequestInit, deadlineMs: number, open?: Budget) {
  const allowedMs = open ? Math.min(deadlineMs, open.limitMs - open.spentMs) : deadlineMs
  // Not sent at all: a known failure, whatever the statement.
  if (allowedMs <= 0) throw timeoutError('The request spent its database budget')
  const controller = new AbortController()
  const deadline = tickingDeadline(allowedMs, controller)
  let spentMs = 0
  try {
    const response = await fetch(input, { ...init, signal: controller.signal })
    spentMs = deadline.stop()
    return response
  } catch (error) {
    spentMs = deadline.stop()
    if (typeof init.body === 'string' && writesAnything(init.body)) {
      throw new WriteOutcomeUnknown('A write was sent and no answer came back', { cause: error })
    }
    throw error
  } finally {
    if (open) open.spentMs += spentMs
  }
}
