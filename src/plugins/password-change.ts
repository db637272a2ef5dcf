/**
 * A password change signs out every other session unless the client asks to keep them: the
 * usual reason to change a password is that someone else may know it. BetterAuth keeps them
 * unless `revokeOtherSessions: true` is sent.
 */
import type { BetterAuthPlugin } from 'better-auth'
import { createAuthMiddleware } from 'better-auth/api'

export const revokeOtherSessionsOnPasswordChange = {
  id: 'edge-auth-password-change',
  hooks: {
    before: [
      {
        matcher: (context: { path?: string }) => context.path === '/change-password',
        handler: createAuthMiddleware(async function revokeOthersByDefault(ctx) {
          const body = ctx.body as { revokeOtherSessions?: unknown } | undefined
          if (!body || body.revokeOtherSessions !== undefined) return
          return { context: { body: { ...body, revokeOtherSessions: true } } }
        }),
      },
    ],
  },
} satisfies BetterAuthPlugin
