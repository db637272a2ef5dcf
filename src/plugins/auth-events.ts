/**
 * The BetterAuth side of the event log: which route call is which event, with its outcome and
 * user. Nothing here waits on the database: the log writes after the response (log.ts), and the
 * one lookup (the user of a failed sign-in's email) runs there too.
 *
 * - Route after-hooks (HTTP calls only: the service's own `auth.api` calls are not user actions):
 *   sign-up, sign-in, change-password and token issuance, ok or failed (an APIError answer).
 * - Session delete hooks: sign-out, and sessions revoked by revoke-session(s), revoke-other-sessions,
 *   change-password and reset-password. Deletes of expired sessions (by get-session) are not events.
 * - A password reset's answer does not say whose password it was: `onPasswordReset` (BetterAuth's
 *   `emailAndPassword.onPasswordReset`) notes the user against the request, and the route's
 *   after-hook records the event with it (failed resets have no user).
 */
import type { BetterAuthPlugin } from 'better-auth'
import { createAuthMiddleware, getIP, isAPIError } from 'better-auth/api'
import { eq } from 'drizzle-orm'
import { user } from '../../db/schema.ts'
import type { Database } from '../database/index.ts'
import type { AuthEventLog, AuthEventType } from '../event-log.ts'
import { normalizeEmail } from '../http/email.ts'

/** HTTP routes whose answer is an event, each with where its user comes from. */
const ROUTE_EVENTS: Record<string, AuthEventType> = {
  '/sign-up/email': 'sign_up',
  '/sign-in/email': 'sign_in',
  '/change-password': 'password_change',
  '/reset-password': 'password_reset',
  '/token': 'token_issued',
  '/one-time-token/generate': 'token_issued',
}

/** Routes whose session deletes are events; any other delete (an expired session) is not. */
const SESSION_DELETE_EVENTS: Record<string, AuthEventType> = {
  '/sign-out': 'sign_out',
  '/revoke-session': 'session_revoked',
  '/revoke-sessions': 'session_revoked',
  '/revoke-other-sessions': 'session_revoked',
  '/change-password': 'session_revoked',
  '/reset-password': 'session_revoked',
}

interface EndpointLike {
  path?: string
  request?: Request
  headers?: Headers
  body?: unknown
  context: { options: Parameters<typeof getIP>[1] }
}

/** Where the request came from, as BetterAuth's own options resolve it (the same as its rate limits). */
function origin(ctx: EndpointLike): { address: string | null; userAgent: string | null } {
  const headers = ctx.request?.headers ?? ctx.headers
  if (!headers) return { address: null, userAgent: null }
  return { address: getIP(headers, ctx.context.options), userAgent: headers.get('user-agent') }
}

/** Records an event of one of our own routes (the sessions API), its origin resolved as BetterAuth's would be. */
export function recordForRequest(
  service: { authEvents: AuthEventLog; auth: { options: Parameters<typeof getIP>[1] } },
  request: Request,
  event: { type: AuthEventType; outcome: 'ok' | 'failed'; userId: string },
): void {
  service.authEvents.record({ ...event, ...origin({ request, context: { options: service.auth.options } }) })
}

function emailOf(body: unknown): string | null {
  const email = (body as { email?: unknown } | undefined)?.email
  return typeof email === 'string' ? normalizeEmail(email) : null
}

/** The user with this email, or null: after the response, for failed sign-ins only. */
function userIdOf(db: Database, email: string | null) {
  return async () => {
    if (!email) return null
    const [row] = await db.select({ id: user.id }).from(user).where(eq(user.email, email)).limit(1)
    return row?.id ?? null
  }
}

/** The after-hook of the routes in ROUTE_EVENTS: the event, its outcome, and its user when known. */
function recordRouteEvent(events: AuthEventLog, db: Database, resetUsers: WeakMap<Request, string>) {
  return createAuthMiddleware(async function recordRouteEvent(ctx) {
    const type = ROUTE_EVENTS[ctx.path]!
    const returned = ctx.context.returned
    const failed = isAPIError(returned)
    const resetUser = type === 'password_reset' && ctx.request ? resetUsers.get(ctx.request) : undefined
    const answeredUser = (returned as { user?: { id?: unknown } } | null | undefined)?.user?.id
    const userId =
      resetUser ??
      ctx.context.newSession?.user.id ??
      ctx.context.session?.user.id ??
      (!failed && typeof answeredUser === 'string' ? answeredUser : null)
    // A failed sign-up never names a user: "already exists" must not become an event of that user.
    const lookUp = type === 'sign_in' && failed && userId === null
    // Other events without a user (a change-password without a session) say nothing about anyone.
    if (userId === null && type !== 'sign_in' && type !== 'sign_up') return
    events.record({
      type,
      outcome: failed ? 'failed' : 'ok',
      userId,
      resolveUserId: lookUp ? userIdOf(db, emailOf(ctx.body)) : undefined,
      ...origin(ctx as unknown as EndpointLike),
    })
  })
}

/** BetterAuth's session delete hook: the deletes of the routes in SESSION_DELETE_EVENTS are events. */
function recordSessionDelete(events: AuthEventLog) {
  return async function after(session: { id: string; userId: string }, context: unknown) {
    const ctx = context as (EndpointLike & { context: { session?: { session: { id: string } } | null } }) | null
    const type = ctx?.path ? SESSION_DELETE_EVENTS[ctx.path] : undefined
    if (!ctx || !type) return
    // A password change replaces the caller's own session with a new one: not a revocation.
    if (ctx.path === '/change-password' && ctx.context.session?.session.id === session.id) return
    events.record({ type, outcome: 'ok', userId: session.userId, ...origin(ctx) })
  }
}

export function authEventHooks(events: AuthEventLog, db: Database) {
  /** The user of each successful reset, by request, until its after-hook reads it (weak: nothing outlives the request). */
  const resetUsers = new WeakMap<Request, string>()

  const plugin = {
    id: 'edge-auth-auth-events',
    hooks: {
      after: [
        {
          matcher: (context: { path?: string; request?: Request }) =>
            context.request !== undefined && context.path !== undefined && context.path in ROUTE_EVENTS,
          handler: recordRouteEvent(events, db, resetUsers),
        },
      ],
    },
    init() {
      return { options: { databaseHooks: { session: { delete: { after: recordSessionDelete(events) } } } } }
    },
  } satisfies BetterAuthPlugin

  async function onPasswordReset({ user }: { user: { id: string } }, request?: Request) {
    if (request) resetUsers.set(request, user.id)
  }

  /** A sign-out that bypassed BetterAuth's session delete hooks (sign-out.ts). */
  function onSignOut(userId: string, ctx: unknown) {
    events.record({ type: 'sign_out', outcome: 'ok', userId, ...origin(ctx as EndpointLike) })
  }

  return { plugin, onPasswordReset, onSignOut }
}
