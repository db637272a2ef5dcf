/**
 * Every error the service answers with, in BetterAuth's shape `{ "code": CODE, "message": … }`
 * (its client reads `code` and `message` from any failed response), with one registry of our codes.
 * BetterAuth's own codes (`INVALID_EMAIL_OR_PASSWORD`, …) come from BetterAuth and are not listed here.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import {
  DATA_EXCEPTION_CLASS,
  isDatabaseUnavailable,
  isRefusedByCarried,
  isWriteOutcomeUnknown,
  sqlState,
  UNIQUE_VIOLATION,
} from './database/unavailable.ts'
import { logEvent } from './logging.ts'

/**
 * The codes of this service, each with its HTTP status and a default message. The table
 * of docs/errors.md lists exactly these (a test holds the two together).
 */
export const ERRORS = {
  CONFIG_INVALID: { status: 500, message: 'The service is misconfigured.' },
  INTERNAL_ERROR: { status: 500, message: 'The service failed to handle this request.' },
  NOT_FOUND: { status: 404, message: 'No such route.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests. Try again after Retry-After seconds.' },
  BAD_REQUEST: { status: 400, message: 'The request is not valid.' },
  NAME_TOO_LONG: { status: 400, message: 'The name is too long.' },
  INVALID_CALLBACK_URL: { status: 400, message: 'callbackURL must be an absolute URL on a trusted origin.' },
  UNTRUSTED_CALLBACK_URL: { status: 400, message: 'callbackURL is not on an origin listed in TRUSTED_ORIGINS.' },
  UNAUTHORIZED: { status: 401, message: 'Sign in first: send the session cookie, a bearer session token or a JWT.' },
  FORBIDDEN: { status: 403, message: 'This is not yours.' },
  UNTRUSTED_ORIGIN: { status: 403, message: 'This origin may not change state with the session cookie.' },
  SESSION_NOT_FOUND: { status: 404, message: 'No such session.' },
  INVALID_CREDENTIAL_HEADER: {
    status: 400,
    message: 'The Cookie or Authorization header holds a byte that is not printable ASCII.',
  },
  INVALID_HEALTH_TOKEN: { status: 401, message: 'The bearer token is not this deployment’s HEALTH_TOKEN.' },
  INVALID_CRON_SECRET: { status: 401, message: 'The bearer token is not this deployment’s CRON_SECRET.' },
  INVALID_PAGINATION: {
    status: 400,
    message: 'limit must be an integer from 1 to 100, and before a nextCursor this route returned.',
  },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database did not answer; try again shortly.' },
  WRITE_OUTCOME_UNKNOWN: {
    status: 503,
    message:
      'The database did not confirm the change in time, and it may have been made: check (get-session, sign-in) before trying again.',
  },
  WRITE_CONFLICT: {
    status: 409,
    message: 'A concurrent request changed the same record; nothing was written. Try again.',
  },
  OAUTH_CROSS_SITE_FETCH: {
    status: 400,
    message:
      "In cross-site mode a provider sign-in starts with a navigation to GET /auth/sign-in/:provider: begun by fetch, its state cookie would stay in the frontend's partition and the provider's callback would fail.",
  },
  OAUTH_PROVIDER_NOT_ENABLED: { status: 404, message: 'This sign-in provider is not configured on the service.' },
  OAUTH_PROVIDER_UNAVAILABLE: { status: 503, message: 'The sign-in provider could not be reached; try again shortly.' },
  OAUTH_PROVIDER_FAILED: {
    status: 502,
    message: 'The provider did not complete the sign-in: its code exchange or user info failed.',
  },
  OAUTH_ACCESS_DENIED: { status: 403, message: 'The sign-in was cancelled or refused at the provider.' },
  OAUTH_STATE_MISMATCH: {
    status: 400,
    message: "The provider's answer came back to a browser session that did not start this sign-in.",
  },
  OAUTH_CALLBACK_EXPIRED: { status: 400, message: 'This sign-in was already completed or has expired; start again.' },
  OAUTH_EMAIL_MISSING: { status: 400, message: 'The provider did not share an email address.' },
  OAUTH_ACCOUNT_NOT_LINKED: {
    status: 409,
    message:
      'A user with this email exists, and the provider did not confirm the email (or linking is off): sign in the way you did before.',
  },
  OAUTH_USER_NOT_CREATED: {
    status: 503,
    message: 'The user could not be created (the database failed) and nothing was saved; start the sign-in again.',
  },
  OAUTH_FAILED: { status: 400, message: 'The sign-in with the provider failed.' },
} as const satisfies Record<string, { status: ContentfulStatusCode; message: string }>

export type ErrorCode = keyof typeof ERRORS

/** Seconds a client should wait after DATABASE_UNAVAILABLE: recovery is automatic, and quick. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

/**
 * The JSON error response for a code; `details` adds fields (never a secret). `retryAfterSeconds`
 * sets Retry-After: the database codes' own unless given, none for other codes.
 */
export function errorResponse(
  code: ErrorCode,
  message?: string,
  details: Record<string, unknown> = {},
  retryAfterSeconds = code === 'DATABASE_UNAVAILABLE' || code === 'WRITE_OUTCOME_UNKNOWN'
    ? DATABASE_RETRY_AFTER_SECONDS
    : undefined,
): Response {
  const { status, message: fallback } = ERRORS[code]
  const response = Response.json({ code, message: message ?? fallback, ...details }, { status })
  if (retryAfterSeconds !== undefined) response.headers.set('Retry-After', String(retryAfterSeconds))
  return response
}

/** An `HTTPException` carrying the JSON error response, for handlers and middleware to throw. */
export function serviceError(code: ErrorCode, message?: string, details?: Record<string, unknown>): HTTPException {
  const res = errorResponse(code, message, details)
  return new HTTPException(ERRORS[code].status, { res, message: message ?? ERRORS[code].message })
}

/**
 * `app.onError`: typed errors keep their response; a database failure is a 503 (or a 409 for a
 * write that lost a race on a unique key); anything else is a logged 500 with no detail.
 */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof HTTPException) return error.getResponse()
  // The limits refused the request on its first read; their middleware answers in its place.
  if (isRefusedByCarried(error)) return errorResponse('RATE_LIMITED')
  if (isWriteOutcomeUnknown(error)) {
    logEvent('warn', 'write_outcome_unknown', { method: c.req.method, route: c.req.routePath, error })
    return errorResponse('WRITE_OUTCOME_UNKNOWN')
  }
  if (isDatabaseUnavailable(error)) {
    logEvent('warn', 'database_unavailable', { method: c.req.method, route: c.req.routePath, error })
    return errorResponse('DATABASE_UNAVAILABLE')
  }
  const state = sqlState(error)
  if (state === UNIQUE_VIOLATION) {
    logEvent('warn', 'write_conflict', { method: c.req.method, route: c.req.routePath })
    return errorResponse('WRITE_CONFLICT')
  }
  // SQLSTATE class 22, data exception: a value from the request Postgres cannot take (a NUL byte,
  // an invalid encoding), so the request is at fault, not the service.
  if (state?.startsWith(DATA_EXCEPTION_CLASS)) {
    logEvent('warn', 'invalid_value', { method: c.req.method, route: c.req.routePath, sqlState: state })
    return errorResponse('BAD_REQUEST', 'The request holds a value the database cannot store.')
  }
  // The route pattern, not the path: a path can hold a token (reset-password/:token), and the
  // redactor would mask a long path whole.
  logEvent('error', 'unhandled_error', { method: c.req.method, route: c.req.routePath, error })
  return errorResponse('INTERNAL_ERROR')
}

/** `app.notFound`: unknown routes are a JSON 404, never an HTML page. */
export function handleNotFound(c: Context): Response {
  return errorResponse('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`)
}
