/**
 * Input limits BetterAuth does not impose itself: the size of a request body, and the length
 * of a user's display name (BetterAuth stores any length it is given).
 */
import { APIError, createAuthMiddleware } from 'better-auth/api'
import { bodyLimit } from 'hono/body-limit'
import { errorResponse } from '../errors.ts'

/** Generous for any auth request, small enough that no one stores megabytes through us. */
export const MAX_BODY_BYTES = 64 * 1024
export const MAX_NAME_LENGTH = 200
const PATHS_WITH_NAME = new Set(['/sign-up/email', '/update-user'])

/**
 * A BetterAuth plugin refusing over-long names with 400, before anything is written.
 *
 * @example
 * plugins: [inputLimits]
 */
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
    ],
  },
}

/**
 * Refuses request bodies over MAX_BODY_BYTES with 413 JSON.
 *
 * @example
 * app.use('/api/*', limitBody)
 */
export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => errorResponse('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`),
})
