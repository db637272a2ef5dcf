/**
 * Sign-out in one round trip, failing closed. BetterAuth's `/sign-out` (api/routes/sign-out.ts)
 * reads the session, deletes it and reads the user's accounts (three trips), and catches a failed
 * delete: it answers `{"success":true}` and clears the cookie while the session stays valid.
 *
 * This hook answers `/sign-out` itself when no social provider offers an end-session URL (the only
 * reason for BetterAuth's reads): one DELETE by token; if it fails, the error reaches the app's
 * handler (503 DATABASE_UNAVAILABLE) before any cookie is cleared. Being a short-circuit, it skips
 * BetterAuth's `/sign-out` handler, the after hooks of `/sign-out` and the session `delete`
 * database hooks: whoever needs to know of a sign-out (the event log) passes `onSignOut`.
 *
 * The token comes from the session cookie or, for a bearer client, from `Authorization: Bearer
 * token.signature`: the bearer plugin's before hook turns that header into a cookie, but a before
 * hook never sees what another one changed (better-auth api/dispatch.ts `runBeforeHooks`), so the
 * signature is checked here, as the bearer plugin would (`requireSignature`).
 */
import type { BetterAuthPlugin } from 'better-auth'
import { createAuthMiddleware } from 'better-auth/api'
import { deleteSessionCookie } from 'better-auth/cookies'
import { eq } from 'drizzle-orm'
import { session } from '../../db/schema.ts'
import { credentialsOf, readCredentials } from '../credentials/request-credential.ts'
import type { TokenSigner } from '../credentials/signed-token.ts'
import type { Database } from '../database/index.ts'

export interface SignOutOptions {
  readonly signer: TokenSigner
  readonly db: Database
  /** Called once per deleted session, after the delete succeeded, with the endpoint context. */
  readonly onSignOut?: (userId: string, ctx: unknown) => void
}

export function signOutInOneTrip({ signer, db, onSignOut }: SignOutOptions) {
  return {
    id: 'edge-auth-sign-out',
    hooks: {
      before: [
        {
          matcher: (context: { path?: string }) => context.path === '/sign-out',
          handler: createAuthMiddleware(async function signOut(ctx) {
            if (ctx.context.socialProviders.some((provider) => provider.createEndSessionURL)) return
            const headers = ctx.request?.headers ?? ctx.headers ?? new Headers()
            const { cookie, bearer } =
              credentialsOf(ctx.request) ?? readCredentials(headers, ctx.context.authCookies.sessionToken.name, signer)
            const token = (await cookie?.verified())?.token ?? (await bearer?.verified())?.token
            // One DELETE … RETURNING, not internalAdapter.deleteSession: that one first reads the row
            // and, if the read fails, swallows the error and deletes nothing (better-auth db/with-hooks.ts).
            if (token) {
              const deleted = await db
                .delete(session)
                .where(eq(session.token, token))
                .returning({ userId: session.userId })
              for (const row of deleted) onSignOut?.(row.userId, ctx)
            }
            deleteSessionCookie(ctx)
            return ctx.json({ success: true })
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin
}
