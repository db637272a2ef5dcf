/**
 * How a page route is wrapped: its callbackURL checked first (an untrusted one gets an error page,
 * 400, never a redirect), a POST's origin checked (same-origin.ts), and any failure shown as a page.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { html } from 'hono/html'
import type { AppEnv } from '../../context.ts'
import { ERRORS, type ErrorCode } from '../../errors.ts'
import { parseCallback } from './callback.ts'
import { type PageParts, renderPage } from './layout.ts'
import { errorMessage } from './messages.ts'
import { formFields } from './parts.ts'
import { isSameOriginPost } from './same-origin.ts'

export type SignedIn = NonNullable<Awaited<ReturnType<AppEnv['Variables']['service']['auth']['api']['getSession']>>>

/**
 * The visitor's session from the database, never the session cache cookie (SESSION_CACHE_TTL):
 * a session ended elsewhere reaches no page as signed in.
 */
export function currentSession(c: Context<AppEnv>): Promise<SignedIn | null> {
  return c.var.service.auth.api.getSession({ headers: c.req.raw.headers, query: { disableCookieCache: true } })
}

export type PageRoute = (c: Context<AppEnv>, callback: URL | undefined) => Promise<Response>

export function render(c: Context<AppEnv>, parts: PageParts): Promise<Response> {
  return renderPage(c, c.var.service.config, parts)
}

/** A whole page for an error of the registry, with its status. */
export function errorPage(c: Context<AppEnv>, code: ErrorCode): Promise<Response> {
  return render(c, {
    title: 'Something is wrong',
    status: ERRORS[code].status,
    body: html`<div role="alert"><p class="notice error">${errorMessage(code)}</p></div>
<p><a href="/sign-in">Go to sign-in</a></p>`,
  })
}

/**
 * An error answered as JSON in front of or behind a page (the body limit, a database failure in
 * the app's error handler, an unknown path below the pages) becomes the page for its code, its
 * Retry-After kept.
 */
export const errorsAsPages: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  const { res } = c
  if (res.status < 400 || !res.headers.get('content-type')?.startsWith('application/json')) return
  const { code } = (await res
    .clone()
    .json()
    .catch(() => ({}))) as { code?: string }
  const known: ErrorCode = code && code in ERRORS ? (code as ErrorCode) : 'INTERNAL_ERROR'
  const retry = res.headers.get('retry-after')
  const page = await errorPage(c, known)
  if (retry) page.headers.set('retry-after', retry)
  c.res = undefined
  c.res = page
}

export function withCallback(route: PageRoute) {
  return async function page(c: Context<AppEnv>) {
    const callback = parseCallback(c.var.service.config, c.req.query('callbackURL'))
    if (!callback.ok) return errorPage(c, callback.code)
    return route(c, callback.url)
  }
}

export function withPost(route: PageRoute) {
  return async function post(c: Context<AppEnv>) {
    if (!isSameOriginPost(c)) return errorPage(c, 'UNTRUSTED_ORIGIN')
    const raw = (await formFields(c))('callbackURL') || c.req.query('callbackURL')
    const callback = parseCallback(c.var.service.config, raw)
    if (!callback.ok) return errorPage(c, callback.code)
    return route(c, callback.url)
  }
}
