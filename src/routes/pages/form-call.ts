/**
 * A page's form, answered by BetterAuth: the form's fields go to the BetterAuth route as the JSON
 * body a client would send, with the browser's own headers (cookies, user agent, address), under the
 * same rate limits and sign-in throttle as `/api/auth/*` (limits/), so a form is no way around them.
 * The caller forwards the answer's Set-Cookie lines to the browser, never its token headers.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../context.ts'
import { attachCredentials } from '../../credentials/request-credential.ts'
import { isRefusedByCarried } from '../../database/unavailable.ts'
import { errorResponse } from '../../errors.ts'

const AUTH_BASE = '/api/auth'

export type FormCallResult =
  | { ok: true; body: Record<string, unknown>; setCookies: string[] }
  | { ok: false; code: string; retryAfter?: number; setCookies: string[] }

function forwardedHeaders(c: Context<AppEnv>, method: string): Headers {
  const headers = new Headers(c.req.raw.headers)
  for (const name of ['content-type', 'content-length', 'origin', 'referer']) headers.delete(name)
  // The page's origin check (same-origin.ts) has passed: the request acts as the service's own.
  headers.set('origin', c.var.service.config.baseURL)
  if (method === 'POST') headers.set('content-type', 'application/json')
  return headers
}

async function codeOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as { code?: unknown }
  if (typeof body.code === 'string' && body.code) return body.code
  if (response.status === 429) return 'RATE_LIMITED'
  return response.status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'
}

async function refused(refusal: Response): Promise<FormCallResult> {
  const retry = Number(refusal.headers.get('retry-after'))
  return { ok: false, code: await codeOf(refusal), retryAfter: retry > 0 ? retry : undefined, setCookies: [] }
}

/**
 * Calls a BetterAuth route (`/sign-in/email`) for the page's request.
 *
 * @example
 * const result = await callAuth(c, '/sign-in/email', { email, password })
 * if (!result.ok) return redirectWith(c, '/sign-in', { error: result.code })
 */
export async function callAuth(
  c: Context<AppEnv>,
  path: string,
  body?: Record<string, unknown>,
  method: 'GET' | 'POST' = 'POST',
): Promise<FormCallResult> {
  const { auth, config, limits } = c.var.service
  const url = `${config.baseURL}${AUTH_BASE}${path}`
  const init = {
    method,
    headers: forwardedHeaders(c, method),
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
  }
  const admission = await limits.admit(new Request(url, init), `${AUTH_BASE}${path}`, c.var.credentials)
  if (admission?.early) return refused(admission.early)
  // The forwarded headers carry the page request's own credentials, read once by the credential middleware.
  // The count rides on the route's first read (database/carried.ts): over a budget, that read was
  // discarded (BetterAuth sees it throw) and nothing was written, so the refusal is the answer.
  const response = await auth
    .handler(attachCredentials(new Request(url, init), c.var.credentials))
    .catch((error: unknown) => {
      if (admission && isRefusedByCarried(error)) return null
      throw error
    })
  admission?.send()
  const refusal = await admission?.refusal
  if (refusal) return refused(refusal)
  if (!response) return refused(errorResponse('RATE_LIMITED'))
  admission?.settle(response.status)
  const setCookies = response.headers.getSetCookie()
  if (response.status >= 400) return { ok: false, code: await codeOf(response), setCookies }
  const parsed: unknown = await response.json().catch(() => ({}))
  return { ok: true, body: (parsed ?? {}) as Record<string, unknown>, setCookies }
}
