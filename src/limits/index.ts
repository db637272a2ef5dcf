/**
 * The limits in front of BetterAuth's routes (`/api/auth/*`, mounted by middleware/rate-limits.ts),
 * replacing BetterAuth's own: its key is a header any client can set (or one bucket shared by every
 * client whose address is unknown), it counts every route, and it can key neither by a body's email nor by a sign-in's outcome.
 *
 * Per counted request: the client's address from the platform (http/client-address.ts), the route's
 * buckets (limits/rules.ts), one statement against the shared store (limits/store.ts); over any
 * budget, 429 `RATE_LIMITED` with `Retry-After`. An unknown address is not counted (logged once
 * per isolate): one shared bucket would let three requests lock everyone out.
 */
import type { Config } from '../config/index.ts'
import type { RequestCredentials } from '../credentials/request-credential.ts'
import { encodeBase64 } from '../crypto/base64.ts'
import type { DatabaseClient } from '../database/index.ts'
import { errorResponse } from '../errors.ts'
import { addressGroups, parseAddress } from '../http/client-address.ts'
import { normalizeEmail } from '../http/email.ts'
import { logEvent } from '../logging.ts'
import type { Platform } from '../platform/index.ts'
import { EDGE_PERIOD_SECONDS, type EdgeGate } from './edge-gate.ts'
import { ACCOUNT_THROTTLE, MAIL_RECIPIENT_RULE, planFor, type RoutePlan } from './rules.ts'
import { type AccountThrottle, type Bucket, databaseLimitStore, type LimitStore, type Verdict } from './store.ts'

const AUTH_BASE = '/api/auth'
/** The recipient's budget counts after every address group allowed the request. */
const RECIPIENT_STAGE = 3

async function hashKey(kind: string, value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))
  return `${kind}:${encodeBase64(new Uint8Array(digest, 0, 18), 'base64url')}`
}

/** Counters the database said are over their budget, remembered until they allow again, at most this many. */
const MAX_REMEMBERED = 10_000
/**
 * An account's throttle is remembered this long at most: a password reset in another isolate
 * clears it in the database, and the owner should not wait longer than this for this isolate to see it.
 */
const ACCOUNT_MEMORY_SECONDS = 1

/**
 * The isolate's memory of the database's refusals: a request counted by a counter that refused is
 * refused again here, without a database trip, until that counter allows again. An address or
 * recipient count only rises until its window ends and nothing clears it, so the answer is the one
 * the database would give; an account's throttle is remembered for a few seconds only, as a
 * password reset anywhere clears it.
 */
function refusalMemory(now = Date.now) {
  const memory = new Map<string, { refuseUntil: number; retryAt: number }>()
  return {
    /** Seconds to tell the client to wait, when one of these counters is known to refuse; else 0. */
    waitFor(keys: readonly string[]): number {
      const at = now()
      let retryAt = 0
      for (const key of keys) {
        const known = memory.get(key)
        if (!known) continue
        if (known.refuseUntil <= at) memory.delete(key)
        else retryAt = Math.max(retryAt, known.retryAt)
      }
      return retryAt > at ? Math.ceil((retryAt - at) / 1000) : 0
    },
    forget(key: string): void {
      memory.delete(key)
    },
    remember(refused: readonly { key: string; retryAfter: number }[], accountKey: string | undefined): void {
      if (memory.size >= MAX_REMEMBERED) memory.clear()
      const at = now()
      for (const { key, retryAfter } of refused) {
        const remembered = key === accountKey ? Math.min(retryAfter, ACCOUNT_MEMORY_SECONDS) : retryAfter
        memory.set(key, { refuseUntil: at + remembered * 1000, retryAt: at + retryAfter * 1000 })
      }
    },
  }
}

/** The body's fields, read from a clone so BetterAuth still gets the body. */
async function bodyOf(request: Request): Promise<Record<string, unknown>> {
  if (request.method !== 'POST') return {}
  try {
    const body: unknown = await request.clone().json()
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

export interface LimitDependencies {
  readonly config: Config
  /** The coarse per-address limit in front of the database (limits/edge-gate.ts); none when absent. */
  readonly gate?: EdgeGate
  readonly database: DatabaseClient
  readonly platform: Platform
  /** The client's address as the platform vouches for it (context.ts). */
  readonly clientAddress: (request: Request) => string | undefined
}

/**
 * A counted request's verdict. The count travels with the route's first database read (one round
 * trip for both, limits/store.ts `takeWithNextTrip`), so the verdict is known after the route ran:
 * over a budget, that read was discarded and nothing was written, and `refusal` replaces the answer.
 */
export interface Admission {
  /** A refusal before the route and before any database work: the address is over the edge limit. */
  readonly early?: Response
  /** Sends the count alone if the route made no trip to carry it. */
  send(): void
  /** The answer in place of the route's: 429 over budget, 503 when the store did not answer. */
  readonly refusal: Promise<Response | null>
  /** After the route answered: an attempt that was no wrong password is given back. */
  settle(status: number): void
}

/** The limits of one isolate: what the middleware and other parts of the service call. */
export interface LimitService {
  /**
   * Counts a request to `/api/auth/<path>` (its credential keys verify-password's per-session
   * throttle); null when the route is not counted (or limits are off).
   */
  admit(
    request: Request,
    path: string,
    credentials: Pick<RequestCredentials, 'bearer' | 'cookie'>,
  ): Promise<Admission | null>
  /** Forgets the failed sign-ins of an account (after a successful password reset); logs, never throws. */
  clearAccount(email: string): Promise<void>
  /**
   * Takes one mail from a recipient's budget, for mail sent outside the mail routes (the
   * verification resend of `/sign-in/email`); `retryAfter > 0`: do not send.
   */
  takeMailBudget(email: string): Promise<Verdict>
}

export function createLimits({ config, database, platform, gate, clientAddress }: LimitDependencies): LimitService {
  const store: LimitStore = databaseLimitStore(database)
  const refusals = refusalMemory()
  let unknownAddressLogged = false
  const accountKey = (email: string) => hashKey('account', normalizeEmail(email))
  const recipientBucket = async (email: string): Promise<Bucket> => ({
    key: await hashKey('mail', normalizeEmail(email)),
    ...MAIL_RECIPIENT_RULE,
    stage: RECIPIENT_STAGE,
  })

  /** The edge's refusal when the address group is over the coarse limit: no database work at all. */
  async function overEdgeLimit(request: Request): Promise<Response | undefined> {
    const address = gate && parseAddress(clientAddress(request))
    if (!address || (await gate!(addressGroups(address)[0]!.group))) return undefined
    return errorResponse('RATE_LIMITED', undefined, { edge: true }, EDGE_PERIOD_SECONDS)
  }

  async function addressBuckets(request: Request, plan: RoutePlan): Promise<Bucket[]> {
    const address = parseAddress(clientAddress(request))
    if (!address) {
      if (!unknownAddressLogged) {
        unknownAddressLogged = true
        logEvent('warn', 'client_address_unknown', { path: plan.path, counted: false })
      }
      return []
    }
    const buckets: Bucket[] = []
    // Narrowest group first (stage 0): a client over its own budget does not spend its neighbours'.
    for (const [stage, { group, factor }] of addressGroups(address).entries()) {
      for (const rule of plan.addressRules) {
        buckets.push({
          key: await hashKey('address', `${group}|${plan.path}|${rule.windowSeconds}`),
          windowSeconds: rule.windowSeconds,
          max: rule.max * factor,
          stage,
        })
      }
    }
    return buckets
  }

  async function throttleKey(
    plan: RoutePlan,
    body: Record<string, unknown>,
    credentials: Pick<RequestCredentials, 'bearer' | 'cookie'>,
  ): Promise<string | undefined> {
    if (plan.throttle === 'email') return typeof body.email === 'string' ? accountKey(body.email) : undefined
    if (plan.throttle !== 'session') return undefined
    const credential = credentials.bearer ?? credentials.cookie
    // The token without its signature: the same session however it is presented.
    return credential ? hashKey('session', credential.value.split('.')[0]!) : undefined
  }

  async function admit(
    request: Request,
    path: string,
    credentials: Pick<RequestCredentials, 'bearer' | 'cookie'>,
  ): Promise<Admission | null> {
    if (!config.rateLimit) return null
    const plan = planFor(path.slice(AUTH_BASE.length))
    if (!plan) return null
    const early = await overEdgeLimit(request)
    if (early) return { early, send: () => undefined, refusal: Promise.resolve(null), settle: () => undefined }
    const body = plan.recipientField || plan.throttle === 'email' ? await bodyOf(request) : {}
    const buckets = await addressBuckets(request, plan)
    const recipient = plan.recipientField ? body[plan.recipientField] : undefined
    if (typeof recipient === 'string') buckets.push(await recipientBucket(recipient))
    const key = await throttleKey(plan, body, credentials)
    const account: AccountThrottle | undefined = key ? { key, ...ACCOUNT_THROTTLE } : undefined
    const known = refusals.waitFor([...buckets.map((b) => b.key), ...(key ? [key] : [])])
    if (known > 0) {
      const refused = errorResponse('RATE_LIMITED', undefined, {}, known)
      return { early: refused, send: () => undefined, refusal: Promise.resolve(null), settle: () => undefined }
    }

    const counting = store.takeWithNextTrip(buckets, account)
    let verdict: Verdict | undefined
    const refusal = counting.verdict.then(
      (counted) => {
        verdict = counted
        if (counted.retryAfter <= 0) return null
        refusals.remember(counted.refusedBy ?? [], key)
        if (counted.attemptCounted) giveBack()
        return errorResponse('RATE_LIMITED', undefined, {}, counted.retryAfter)
      },
      (error: unknown) => {
        logEvent('error', 'rate_limit_store_failed', { path: plan.path, error })
        return errorResponse('DATABASE_UNAVAILABLE')
      },
    )
    const giveBack = () =>
      platform.waitUntil(
        store.giveBack(key!).catch((error) => logEvent('error', 'rate_limit_store_failed', { path: plan.path, error })),
      )
    return {
      send: counting.sendNow,
      refusal,
      settle(status) {
        // The throttle counts wrong passwords (400/401); anything else was no failed guess.
        if (verdict?.attemptCounted && status !== 400 && status !== 401) giveBack()
      },
    }
  }

  return {
    admit,
    async clearAccount(email) {
      // Never fails the reset it follows: the password is already changed.
      const key = await accountKey(email)
      refusals.forget(key)
      await store
        .clear(key)
        .catch((error) => logEvent('error', 'rate_limit_store_failed', { path: 'clear-account', error }))
    },
    async takeMailBudget(email) {
      return store.take([await recipientBucket(email)])
    },
  }
}
