/**
 * `/api/auth/*`: BetterAuth's handler. Its errors without a `code` are rewritten in the house shape:
 * its empty 404s (a path it does not know, a disabled endpoint such as delete-user) and its bare
 * `{message}` 400s ("No fields to update", a callbackURL that is not a string). Its own rate limiter
 * is off (auth/index.ts): the service's limits answer 429 before it (middleware/rate-limits.ts).
 */
import type { Context } from 'hono'
import { Hono } from 'hono/tiny'
import type { AppEnv } from '../context.ts'
import { attachCredentials } from '../credentials/request-credential.ts'
import { ERRORS, type ErrorCode, handleNotFound } from '../errors.ts'

const CODE_FOR_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
}

/** A BetterAuth error in the house shape: its status and message kept, a code added. */
async function inHouseShape(response: Response, c: Context): Promise<Response> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined)
  const { code, message } = (body ?? {}) as { code?: unknown; message?: unknown }
  if (typeof code === 'string' && typeof message === 'string') return response
  if (response.status === 404 && typeof message !== 'string') return handleNotFound(c)
  const ours: ErrorCode =
    response.status >= 500 ? 'INTERNAL_ERROR' : (CODE_FOR_STATUS[response.status] ?? 'BAD_REQUEST')
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  headers.delete('content-type')
  const text = response.status < 500 && typeof message === 'string' && message ? message : ERRORS[ours].message
  return Response.json({ code: ours, message: text }, { status: response.status, headers })
}

export function authRoutes() {
  const routes = new Hono<AppEnv>()
  routes.on(['GET', 'POST'], '/api/auth/*', async function betterAuth(c) {
    const response = await c.var.service.auth.handler(attachCredentials(c.req.raw, c.var.credentials))
    return response.status >= 400 ? inHouseShape(response, c) : response
  })
  return routes
}
