/**
 * The size of a request body, a limit BetterAuth does not impose itself.
 */
import { bodyLimit } from 'hono/body-limit'
import { errorResponse } from '../errors.ts'

/** Generous for any auth request, small enough that no one stores megabytes through us. */
export const MAX_BODY_BYTES = 64 * 1024

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
