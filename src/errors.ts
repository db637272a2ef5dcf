/**
 * JSON errors. Every error the service itself produces is `{ "error": CODE, "message": … }`
 * with a stable, upper-case code; handlers throw `apiError(...)` and `handleError` renders it.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { logEvent } from './logging.ts'

/**
 * An `HTTPException` whose response is a JSON error body.
 *
 * @example
 * throw apiError(403, 'FORBIDDEN', 'userId does not match the signed-in user')
 */
export function apiError(
  status: ContentfulStatusCode,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): HTTPException {
  const res = Response.json({ error: code, message, ...extra }, { status })
  return new HTTPException(status, { res, message })
}

/** `app.onError`: typed errors keep their response; anything else is a logged 500 with no detail. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof HTTPException) return error.getResponse()
  logEvent('error', 'unhandled_error', { path: new URL(c.req.url).pathname, error })
  return c.json({ error: 'INTERNAL_ERROR', message: 'The service failed to handle this request.' }, 500)
}

/** `app.notFound`: unknown routes are a JSON 404, never an HTML page. */
export function handleNotFound(c: Context): Response {
  return c.json({ error: 'NOT_FOUND', message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404)
}
