/**
 * `/forgot-password` and `/reset-password`. The mailed link arrives at `/reset-password?token=…`:
 * the token moves at once into an HttpOnly cookie scoped to this path and the browser is sent on
 * to the address without it, so the token is never in a page's HTML, its history entry or a Referer.
 */
import type { Context } from 'hono'
import { html } from 'hono/html'
import type { Hono } from 'hono/tiny'
import type { AppEnv } from '../../context.ts'
import { pagePath } from './callback.ts'
import { callAuth } from './form-call.ts'
import { callbackInput, field, formFields, notice, seeOther } from './parts.ts'
import { type PageRoute, render, withCallback, withPost } from './route.ts'

const RESET_COOKIE = 'edge-auth.reset'

function resetCookie(c: Context<AppEnv>, value: string, maxAge: number): string {
  const secure = c.var.service.config.cookies.secure ? '; Secure' : ''
  return `${RESET_COOKIE}=${value}; Path=/reset-password; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`
}

function resetToken(c: Context): string | undefined {
  return /(?:^|;\s*)edge-auth\.reset=([A-Za-z0-9_-]{1,200})/.exec(c.req.header('cookie') ?? '')?.[1]
}

const forgot: PageRoute = async (c, callback) =>
  render(c, {
    title: 'Forgot password',
    body: html`${notice(c)}<p>We will mail you a link to choose a new password.</p>
<form method="post" action="/forgot-password">${callbackInput(callback)}${field('Email', 'email', 'email', 'email')}
<button type="submit">Send reset link</button></form>
<p><a href="${pagePath('/sign-in', callback)}">Back to sign-in</a></p>`,
  })

const postForgot: PageRoute = async (c, callback) => {
  const email = (await formFields(c))('email').trim()
  const redirectTo = `${c.var.service.config.baseURL}${pagePath('/reset-password', callback)}`
  const result = await callAuth(c, '/request-password-reset', { email, redirectTo })
  // Known and unknown addresses answer alike; only a refusal (a limit, no transport) shows.
  const query = result.ok
    ? { message: 'RESET_SENT' }
    : { error: result.code, retry: result.retryAfter ? String(result.retryAfter) : undefined }
  return seeOther(pagePath('/forgot-password', callback, query))
}

const reset: PageRoute = async (c, callback) => {
  const token = c.req.query('token')
  if (token) {
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(token))
      return seeOther(pagePath('/reset-password', callback, { error: 'INVALID_TOKEN' }))
    return seeOther(pagePath('/reset-password', callback), [resetCookie(c, token, 3600)])
  }
  const usable = resetToken(c) !== undefined && !c.req.query('error')
  return render(c, {
    title: 'Choose a new password',
    body: html`${notice(c)}${
      usable
        ? html`<form method="post" action="/reset-password">${callbackInput(callback)}
${field('New password', 'password', 'password', 'new-password', html`minlength="8" maxlength="128"`)}
<button type="submit">Set new password</button></form>`
        : html`<p>This page needs the link from the reset mail. <a href="${pagePath('/forgot-password', callback)}">Ask for a new link</a>.</p>`
    }`,
  })
}

const postReset: PageRoute = async (c, callback) => {
  const newPassword = (await formFields(c))('password')
  const result = await callAuth(c, '/reset-password', { newPassword, token: resetToken(c) ?? '' })
  if (!result.ok) {
    const retry = result.retryAfter ? String(result.retryAfter) : undefined
    // A weak password may be tried again with the same link; a spent one may not.
    const keep = result.code.startsWith('PASSWORD_')
    return seeOther(
      pagePath('/reset-password', callback, { error: result.code, retry }),
      keep ? [] : [resetCookie(c, '', 0)],
    )
  }
  return seeOther(pagePath('/sign-in', callback, { message: 'PASSWORD_RESET' }), [resetCookie(c, '', 0)])
}

export function passwordPages(routes: Hono<AppEnv>): void {
  routes.get('/forgot-password', withCallback(forgot))
  routes.post('/forgot-password', withPost(postForgot))
  routes.get('/reset-password', withCallback(reset))
  routes.post('/reset-password', withPost(postReset))
}
