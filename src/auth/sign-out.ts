/**
 * Sign-out in one round trip, failing closed. BetterAuth's `/sign-out` (api/routes/sign-out.ts)
 * reads the session, deletes it and reads the user's accounts (three trips), and catches a failed
 * delete: it answers `{"success":true}` and clears the cookie while the session stays valid.
 *
 * This hook answers `/sign-out` itself when no social provider offers an end-session URL (the only
 * reason for BetterAuth's reads): one DELETE by token; if it fails, the error reaches the app's
 * handler (503 DATABASE_UNAVAILABLE) before any cookie is cleared. Being a short-circuit, it skips
 * BetterAuth's `/sign-out` handler, the after hooks of `/sign-out` and the session `delete`
 * database hooks (none are configured).
 */
import { createAuthMiddleware } from 'better-auth/api'
import { deleteSessionCookie } from 'better-auth/cookies'

/**
 * @example
 * plugins: [bearer(), signOutInOneTrip]
 */
export const signOutInOneTrip = {
  id: 'edge-auth-sign-out',
  hooks: {
    before: [
      {
        matcher: (context: { path?: string }) => context.path === '/sign-out',
        handler: createAuthMiddleware(async function signOut(ctx) {
          if (ctx.context.socialProviders.some((provider) => provider.createEndSessionURL)) return
          const token = await ctx.getSignedCookie(ctx.context.authCookies.sessionToken.name, ctx.context.secret)
          // The adapter, not internalAdapter.deleteSession: that one first reads the row and, if the
          // read fails, swallows the error and deletes nothing (better-auth db/with-hooks.ts).
          if (token)
            await ctx.context.adapter.deleteMany({ model: 'session', where: [{ field: 'token', value: token }] })
          deleteSessionCookie(ctx)
          return ctx.json({ success: true })
        }),
      },
    ],
  },
}
