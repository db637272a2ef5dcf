/**
 * Session tokens stay with the session they belong to. BetterAuth's `/list-sessions` returns every
 * session of the user with its raw token, and a raw token is a working credential: one stolen
 * session would yield all the others. This plugin strips the tokens from that answer (the bearer
 * plugin, configured in auth/index.ts, also refuses a token without its signature).
 */
import type { BetterAuthPlugin } from 'better-auth'
import { createAuthMiddleware } from 'better-auth/api'

export const hideSessionTokens = {
  id: 'edge-auth-hide-session-tokens',
  hooks: {
    after: [
      {
        matcher: (context: { path?: string }) => context.path === '/list-sessions',
        handler: createAuthMiddleware(async function stripTokens(ctx) {
          const sessions = ctx.context.returned
          if (!Array.isArray(sessions)) return
          return ctx.json(sessions.map(({ token: _token, ...session }: { token?: unknown }) => session))
        }),
      },
    ],
  },
} satisfies BetterAuthPlugin
