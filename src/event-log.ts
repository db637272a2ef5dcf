/**
 * The auth event log: one row per sign-up, sign-in (ok or failed), sign-out, password change or
 * reset, revoked session and issued token, in `auth_event`. Rows are written after the response
 * (the platform's `waitUntil`); a failed write is logged (redacted) and never fails the request.
 *
 * The client address is stored as a keyed hash: HMAC-SHA-256 under a key derived from the current
 * secret. The same address gives the same hash while the secret stays (so a user can tell "the same
 * place as before"), and without the secret it cannot be reversed by hashing every IPv4 address.
 * After a secret rotation the same address hashes differently.
 */
import { and, desc, eq, lt, or, sql } from 'drizzle-orm'
import { AUTH_EVENT_TYPES, authEvent } from '../db/schema.ts'
import { encodeBase64 } from './crypto/base64.ts'
import { hmac, importHmacKey } from './crypto/hmac.ts'
import type { Database } from './database/index.ts'
import { FOREIGN_KEY_VIOLATION, sqlState } from './database/unavailable.ts'
import { logEvent } from './logging.ts'
import type { Platform } from './platform/index.ts'

export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number]
export type AuthEventOutcome = 'ok' | 'failed'
export { AUTH_EVENT_TYPES }

/** User agents are cut here: the column holds what identifies a browser, not whatever a client sends. */
export const USER_AGENT_MAX_LENGTH = 256

export interface AuthEventInput {
  readonly type: AuthEventType
  readonly outcome: AuthEventOutcome
  /** The user, when known; null for a failed sign-in of an unknown email. */
  readonly userId: string | null
  /** Resolved after the response, e.g. the user of a failed sign-in's email (a query). */
  readonly resolveUserId?: () => Promise<string | null>
  readonly address: string | null
  readonly userAgent: string | null
}

export interface AuthEventRow {
  id: string
  type: AuthEventType
  outcome: AuthEventOutcome
  addressHash: string | null
  userAgent: string | null
  createdAt: Date
}

/** A position in a user's events, newest first: the last row of the previous page. */
export interface EventCursor {
  createdAt: Date
  id: string
}

/** The address key: HMAC(secret, label), so it is neither the secret nor usable to sign anything else. */
async function addressKey(secret: string): Promise<CryptoKey> {
  return importHmacKey(await hmac(secret, 'edge-auth auth_event address v1'))
}

/**
 * The event log of one isolate: built once in the service context.
 *
 * @example
 * const events = createAuthEventLog({ db, secret: config.secrets[0].value, platform })
 * events.record({ type: 'sign_in', outcome: 'ok', userId, address: '203.0.113.7', userAgent })
 * const page = await events.list(userId, { limit: 20 })
 */
export function createAuthEventLog(dependencies: { db: Database; secret: string; platform: Platform }) {
  const { db, secret, platform } = dependencies
  let key: Promise<CryptoKey> | undefined

  async function hashAddress(address: string): Promise<string> {
    key ??= addressKey(secret)
    return encodeBase64(await hmac(await key, address), 'base64url')
  }

  async function write(event: AuthEventInput): Promise<void> {
    const [userId, addressHash] = await Promise.all([
      event.resolveUserId ? event.resolveUserId() : event.userId,
      event.address ? hashAddress(event.address) : null,
    ])
    await db.insert(authEvent).values({
      id: crypto.randomUUID(),
      userId,
      type: event.type,
      outcome: event.outcome,
      addressHash,
      userAgent: event.userAgent?.slice(0, USER_AGENT_MAX_LENGTH) || null,
      // Milliseconds, as JavaScript keeps them, so a cursor taken from a row finds that row again.
      createdAt: new Date(),
    })
  }

  return {
    /** Records an event after the response; never throws, never delays the request. */
    record(event: AuthEventInput): void {
      platform.waitUntil(
        write(event).catch((error: unknown) => {
          // With email verification required, BetterAuth answers a sign-up for an existing address
          // with a made-up user (no enumeration): its id names no user, and there is nothing to record.
          if (sqlState(error) === FOREIGN_KEY_VIOLATION && event.type === 'sign_up') return
          logEvent('warn', 'auth_event_not_recorded', { type: event.type, outcome: event.outcome, error })
        }),
      )
    },

    /** A user's events, newest first, `limit` of them after `before`. */
    async list(userId: string, page: { limit: number; before?: EventCursor }): Promise<AuthEventRow[]> {
      const { before } = page
      return db
        .select({
          id: authEvent.id,
          type: authEvent.type,
          outcome: authEvent.outcome,
          addressHash: authEvent.addressHash,
          userAgent: authEvent.userAgent,
          createdAt: authEvent.createdAt,
        })
        .from(authEvent)
        .where(
          and(
            eq(authEvent.userId, userId),
            before
              ? or(
                  lt(authEvent.createdAt, before.createdAt),
                  and(eq(authEvent.createdAt, before.createdAt), lt(authEvent.id, before.id)),
                )
              : undefined,
          ),
        )
        .orderBy(desc(authEvent.createdAt), desc(authEvent.id))
        .limit(page.limit)
    },

    /** Deletes the events older than `days` days; resolves to how many. */
    async prune(days: number, now = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - days * 24 * 60 * 60 * 1000)
      // Counted in the database: returning every deleted id could be a large answer.
      const result = await db.execute<{ deleted: number }>(
        sql`with gone as (delete from ${authEvent} where ${lt(authEvent.createdAt, cutoff)} returning 1) select count(*)::int as deleted from gone`,
      )
      return result.rows[0]?.deleted ?? 0
    },
  }
}

export type AuthEventLog = ReturnType<typeof createAuthEventLog>
