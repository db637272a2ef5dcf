/**
 * The size of a request body, a limit BetterAuth does not impose itself.
 */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { errorResponse } from '../errors.ts'

/** Generous for any auth request, small enough that no one stores megabytes through us. */
export const MAX_BODY_BYTES = 64 * 1024

/** Refuses request bodies over MAX_BODY_BYTES with 413 JSON. */
export function limitBody(): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => errorResponse('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`),
  })
}
