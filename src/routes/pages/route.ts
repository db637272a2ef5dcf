/**
 * How a page route is wrapped: its callbackURL checked first (an untrusted one gets an error page,
 * 400, never a redirect), a POST's origin checked (same-origin.ts), and any failure shown as a page.
 */
import type { Context } from 'hono'
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
  const status = ERRORS[code].status as 400 | 403 | 404
  return render(c, {
    title: 'Something is wrong',
    status: status as PageParts['status'],
    body: html`<div role="alert"><p class="notice error">${errorMessage(code)}</p></div>
<p><a href="/sign-in">Go to sign-in</a></p>`,
  })
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
