/**
 * A database failure answers 503 on BetterAuth's routes too. Some of BetterAuth's endpoints catch
 * every error and throw their own 500 in its place, the database's failure kept only as `cause`:
 * get-session answers `500 FAILED_TO_GET_SESSION` when the session read hangs, refuses or errs
 * (better-auth api/routes/session.ts). This after hook, on every endpoint, throws such a cause
 * again; it reaches the app's error handler, which answers `503 DATABASE_UNAVAILABLE` with
 * `Retry-After` (errors.ts), whether the endpoint was called over HTTP or by `auth.api`. Listed
 * first, so no other after hook acts on a failed request's answer.
 */
import type { BetterAuthPlugin } from 'better-auth'
import { createAuthMiddleware } from 'better-auth/api'
import { isDatabaseUnavailable } from '../database/unavailable.ts'

export const surfaceDatabaseFailures = {
  id: 'edge-auth-database-failures',
  hooks: {
    after: [
      {
        matcher: () => true,
        handler: createAuthMiddleware(async function rethrowDatabaseFailure(ctx) {
          const returned: unknown = ctx.context.returned
          if (returned instanceof Error && isDatabaseUnavailable(returned.cause)) throw returned.cause
        }),
      },
    ],
  },
} satisfies BetterAuthPlugin
