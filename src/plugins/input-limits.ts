/**
 * Input limits BetterAuth does not impose itself: the length of a user's display name (BetterAuth
 * stores any length it is given), and callback URLs without control characters (BetterAuth's origin check lets `https://docs.example.com/\n` through, and the
 * redirect then fails after the session was written).
 */
import type { BetterAuthPlugin } from 'better-auth'
import { APIError, createAuthMiddleware } from 'better-auth/api'

export const MAX_NAME_LENGTH = 200
const PATHS_WITH_NAME = new Set(['/sign-up/email', '/update-user'])
const CALLBACK_FIELDS = ['callbackURL', 'errorCallbackURL', 'newUserCallbackURL', 'redirectTo'] as const
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/

function callbackWithControlCharacter(source: unknown): string | undefined {
  if (!source || typeof source !== 'object') return undefined
  const fields = source as Record<string, unknown>
  return CALLBACK_FIELDS.find((field) => typeof fields[field] === 'string' && CONTROL_CHARACTERS.test(fields[field]))
}

/** A BetterAuth plugin refusing over-long names with 400, before anything is written. */
export const inputLimits = {
  id: 'edge-auth-input-limits',
  hooks: {
    before: [
      {
        matcher: (context: { path?: string }) => PATHS_WITH_NAME.has(context.path ?? ''),
        handler: createAuthMiddleware(async function checkName(ctx) {
          const name = (ctx.body as { name?: unknown } | undefined)?.name
          if (typeof name === 'string' && name.length > MAX_NAME_LENGTH) {
            throw new APIError('BAD_REQUEST', {
              code: 'NAME_TOO_LONG',
              message: `name must be at most ${MAX_NAME_LENGTH} characters`,
            })
          }
        }),
      },
      {
        matcher: () => true,
        handler: createAuthMiddleware(async function checkCallbackUrls(ctx) {
          const field = callbackWithControlCharacter(ctx.body) ?? callbackWithControlCharacter(ctx.query)
          if (field) {
            throw new APIError('BAD_REQUEST', {
              code: 'INVALID_CALLBACK_URL',
              message: `${field} must not contain control characters`,
            })
          }
        }),
      },
    ],
  },
} satisfies BetterAuthPlugin
