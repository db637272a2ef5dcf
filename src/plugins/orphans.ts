/**
 * Repairs a user left without any account by an older version, on the next sign-up for its email.
 *
 * Versions before the batched write path (database/batched-writes.ts) inserted the user and its
 * account in separate requests; a failure between them left a `user` row with no `account` row:
 * sign-up answered "already exists" and sign-in "wrong password" for that email, for good. Today
 * the user and its account are written in one batch (one transaction), so every reader sees both
 * or neither, and "no account row" marks such a leftover. Users who sign in by emailed code have
 * no account row either, but a verified email (emailOTP creates them verified); the leftover of a
 * failed sign-up is unverified.
 *
 * Where: BetterAuth's `/sign-up/email` (api/routes/sign-up.ts) asks `findUserByEmail` once, inside
 * its transaction, and answers "already exists" (or, with verification required, the same answer
 * as a new address) when it finds a user. This plugin hands that route alone a `findUserByEmail`
 * that, when the user it found is unverified, deletes it if it is a leftover, in one conditioned
 * batch, and then reports no user: BetterAuth goes on with a normal sign-up (user, account and
 * session in one batch). The normal path costs nothing: a new email finds no user, a verified one
 * is answered at once; only an unverified existing user costs the one extra round trip.
 *
 * The delete is conditioned in the database, not on what was read: the user has no account row,
 * is unverified and older than ORPHAN_MIN_AGE_MS (an older version still running during a rollout
 * writes the account a moment after the user; this version never leaves that gap). A concurrent
 * sign-up's batch commits its user and account together, so the delete never sees one without the
 * other; a password reset that gives the user an account first makes the delete match nothing.
 * The user's sessions go with it (ON DELETE CASCADE), and the verification rows that name its id
 * (a pending password reset) in the same batch. The log line (`orphan_user_repaired`) carries the
 * email's keyed fingerprint, never the email.
 */
import type { BetterAuthPlugin } from 'better-auth'
import { createAuthMiddleware } from 'better-auth/api'
import { and, eq, lt, notExists } from 'drizzle-orm'
import { account, user, verification } from '../../db/schema.ts'
import { fingerprint } from '../crypto/hmac.ts'
import type { Database } from '../database/index.ts'
import { normalizeEmail } from '../http/email.ts'
import { logEvent } from '../logging.ts'

/** How old a user without an account must be before sign-up takes its email back. */
export const ORPHAN_MIN_AGE_MS = 5 * 60 * 1000

type FoundUser = { user: { id: string; emailVerified: boolean; createdAt: Date }; accounts: unknown[] } | null
type FindUserByEmail = (email: string, options?: { includeAccounts: boolean }) => Promise<FoundUser>

/**
 * Deletes the user `id` if it is a leftover (see above); true when it was. One round trip.
 *
 * @example
 * await deleteIfOrphan(db, 'u1', new Date()) // false: the user has an account, or is verified, or young
 */
export async function deleteIfOrphan(db: Database, id: string, now: Date): Promise<boolean> {
  const cutoff = new Date(now.getTime() - ORPHAN_MIN_AGE_MS)
  const [deleted] = await db.batch([
    db
      .delete(user)
      .where(
        and(
          eq(user.id, id),
          eq(user.emailVerified, false),
          lt(user.createdAt, cutoff),
          notExists(db.select({ id: account.id }).from(account).where(eq(account.userId, user.id))),
        ),
      )
      .returning({ id: user.id }),
    // Runs in the same transaction: deletes only once the user row is gone.
    db
      .delete(verification)
      .where(and(eq(verification.value, id), notExists(db.select({ id: user.id }).from(user).where(eq(user.id, id))))),
  ])
  return deleted.length === 1
}

/**
 * The email as the log shows it: 12 hex characters of HMAC-SHA-256 under the service's secret, so
 * an operator holding the secret can match a support request, and the log alone reveals nothing.
 *
 * @example
 * await emailFingerprint(secret, 'ada@example.com') // '3f2a9c0b1d4e'
 */
export async function emailFingerprint(secret: string, email: string): Promise<string> {
  return fingerprint(secret, normalizeEmail(email))
}

export function repairOrphansOnSignUp(db: Database) {
  return {
    id: 'edge-auth-orphans',
    hooks: {
      before: [
        {
          matcher: (context: { path?: string }) => context.path === '/sign-up/email',
          handler: createAuthMiddleware(async function lookUpPastOrphans(ctx) {
            const internalAdapter = ctx.context.internalAdapter
            const find = internalAdapter.findUserByEmail as FindUserByEmail
            const findUserByEmail: FindUserByEmail = async (email, options) => {
              const found = await find(email, options)
              if (!found || found.user.emailVerified) return found
              const now = new Date()
              if (now.getTime() - new Date(found.user.createdAt).getTime() < ORPHAN_MIN_AGE_MS) return found
              if (!(await deleteIfOrphan(db, found.user.id, now))) return found
              logEvent('warn', 'orphan_user_repaired', {
                email: await emailFingerprint(ctx.context.secret, email),
                ageSeconds: Math.round((now.getTime() - new Date(found.user.createdAt).getTime()) / 1000),
              })
              return null
            }
            return { context: { context: { internalAdapter: { ...internalAdapter, findUserByEmail } } } }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin
}
