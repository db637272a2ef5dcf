/**
 * Signing in and up: `/sign-in` (password, providers, "Continue as"), `/sign-up`, `/sign-in/code`
 * (an emailed code) and `/verified` (where a verification link without a frontend lands).
 */
import type { Context } from 'hono'
import { html } from 'hono/html'
import type { Hono } from 'hono/tiny'
import type { AppEnv } from '../../context.ts'
import { HANDOFF_PATH } from '../../http/handoff-params.ts'
import { destination, pagePath } from './callback.ts'
import { callAuth } from './form-call.ts'
import { callbackInput, devFooter, field, formFields, notice, providerButtons, seeOther } from './parts.ts'
import { currentSession, type PageRoute, render, withCallback, withPost } from './route.ts'

const CODE_EMAIL_COOKIE = 'edge-auth.code-email'

/** Where a failed form goes back to: its own page with the code, and a rate limit's wait. */
function failed(
  path: string,
  callback: URL | undefined,
  result: { code: string; retryAfter?: number; setCookies: string[] },
) {
  const retry = result.retryAfter ? String(result.retryAfter) : undefined
  return seeOther(pagePath(path, callback, { error: result.code, retry }), result.setCookies)
}

const signIn: PageRoute = async (c, callback) => {
  const { config } = c.var.service
  const session = await currentSession(c)
  if (session && !callback) return c.redirect('/account', 303)
  if (session) {
    return render(c, {
      title: `Continue as ${session.user.name || session.user.email}`,
      body: html`${notice(c)}<p>You are signed in as ${session.user.email}.</p>
<p><a class="button" href="${destination(config, callback)}">Continue as ${session.user.name || session.user.email}</a></p>
<form method="post" action="${pagePath('/sign-out', callback)}"><button class="secondary" type="submit">Use another account</button></form>`,
    })
  }
  return render(c, {
    title: 'Sign in',
    body: html`${notice(c)}<form method="post" action="/sign-in">${callbackInput(callback)}
${field('Email', 'email', 'email', 'username')}${field('Password', 'password', 'password', 'current-password')}
<button type="submit">Sign in</button></form>
<p><a href="${pagePath('/forgot-password', callback)}">Forgot password?</a>
· <a href="${pagePath('/sign-in/code', callback)}">Email me a code instead</a>
· <a href="${pagePath('/sign-up', callback)}">Create an account</a></p>
${providerButtons(config, callback, pagePath('/sign-in', callback))}`,
    footer: devFooter(c),
  })
}

const postSignIn: PageRoute = async (c, callback) => {
  const field = await formFields(c)
  const result = await callAuth(c, '/sign-in/email', {
    email: field('email'),
    password: field('password'),
    rememberMe: true,
  })
  if (!result.ok) return failed('/sign-in', callback, result)
  return seeOther(destination(c.var.service.config, callback), result.setCookies)
}

const signUp: PageRoute = async (c, callback) =>
  render(c, {
    title: 'Create an account',
    body: html`${notice(c)}<form method="post" action="/sign-up">${callbackInput(callback)}
${field('Name', 'name', 'text', 'name')}${field('Email', 'email', 'email', 'email')}
${field('Password', 'password', 'password', 'new-password', html`minlength="8" maxlength="128" aria-describedby="password-hint"`)}
<p id="password-hint" class="muted">At least 8 characters.</p>
<button type="submit">Create account</button></form>
<p>Have an account? <a href="${pagePath('/sign-in', callback)}">Sign in</a></p>
${providerButtons(c.var.service.config, callback, pagePath('/sign-up', callback))}`,
    footer: devFooter(c),
  })

/** Where the verification link leads after verifying: the frontend through the hand-off, or /verified. */
function verificationLanding(base: string, callback: URL | undefined): string {
  if (!callback) return `${base}/verified`
  if (callback.origin === base) return callback.toString()
  return `${base}${HANDOFF_PATH}?callbackURL=${encodeURIComponent(callback.toString())}`
}

const postSignUp: PageRoute = async (c, callback) => {
  const field = await formFields(c)
  const { config } = c.var.service
  const result = await callAuth(c, '/sign-up/email', {
    name: field('name') || field('email').split('@')[0],
    email: field('email'),
    password: field('password'),
    callbackURL: verificationLanding(config.baseURL, callback),
  })
  if (!result.ok) return failed('/sign-up', callback, result)
  // With verification required there is no session (and an existing address answers the same).
  if (!result.body.token) return seeOther(pagePath('/sign-up', callback, { message: 'CHECK_INBOX' }), result.setCookies)
  return seeOther(destination(config, callback), result.setCookies)
}

const verified: PageRoute = async (c, callback) => {
  const session = await currentSession(c)
  const failedLink = c.req.query('error')
  return render(c, {
    title: failedLink ? 'This link did not work' : 'Email confirmed',
    body: html`${notice(c)}${
      failedLink
        ? html`<p>Signing in with your password mails a fresh link.</p><p><a class="button" href="${pagePath('/sign-in', callback)}">Sign in</a></p>`
        : html`<p class="notice">Your email address is confirmed.</p>
<p><a class="button" href="${session ? '/account' : pagePath('/sign-in', callback)}">${session ? 'Go to your account' : 'Sign in'}</a></p>`
    }`,
  })
}

function codeCookie(c: Context<AppEnv>, value: string, maxAge: number): string {
  const secure = c.var.service.config.cookies.secure ? '; Secure' : ''
  return `${CODE_EMAIL_COOKIE}=${encodeURIComponent(value)}; Path=/sign-in/code; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`
}

function codeEmail(c: Context): string | undefined {
  const raw = /(?:^|;\s*)edge-auth\.code-email=([^;]*)/.exec(c.req.header('cookie') ?? '')?.[1]
  return raw ? decodeURIComponent(raw) : undefined
}

const code: PageRoute = async (c, callback) => {
  const email = codeEmail(c)
  const step = email
    ? html`<p>We sent a code to ${email}.</p><form method="post" action="/sign-in/code/verify">${callbackInput(callback)}
${field('Code', 'otp', 'text', 'one-time-code', html`inputmode="numeric" pattern="[0-9]{6}" maxlength="6"`)}
<button type="submit">Sign in</button></form>
<form method="post" action="/sign-in/code">${callbackInput(callback)}<input type="hidden" name="email" value="${email}"><button class="secondary" type="submit">Send another code</button></form>`
    : html`<form method="post" action="/sign-in/code">${callbackInput(callback)}${field('Email', 'email', 'email', 'email')}
<button type="submit">Email me a code</button></form>`
  return render(c, {
    title: 'Sign in with a code',
    body: html`${notice(c)}${step}<p><a href="${pagePath('/sign-in', callback)}">Sign in with a password</a></p>`,
    footer: devFooter(c),
  })
}

const postCode: PageRoute = async (c, callback) => {
  const email = (await formFields(c))('email').trim()
  const result = await callAuth(c, '/email-otp/send-verification-otp', { email, type: 'sign-in' })
  if (!result.ok) return failed('/sign-in/code', callback, result)
  return seeOther(pagePath('/sign-in/code', callback, { message: 'CODE_SENT' }), [codeCookie(c, email, 300)])
}

const postCodeVerify: PageRoute = async (c, callback) => {
  const otp = (await formFields(c))('otp').trim()
  const result = await callAuth(c, '/sign-in/email-otp', { email: codeEmail(c) ?? '', otp })
  if (!result.ok) return failed('/sign-in/code', callback, result)
  return seeOther(destination(c.var.service.config, callback), [...result.setCookies, codeCookie(c, '', 0)])
}

export function signInPages(routes: Hono<AppEnv>): void {
  routes.get('/sign-in', withCallback(signIn))
  routes.post('/sign-in', withPost(postSignIn))
  routes.get('/sign-up', withCallback(signUp))
  routes.post('/sign-up', withPost(postSignUp))
  routes.get('/verified', withCallback(verified))
  routes.get('/sign-in/code', withCallback(code))
  routes.post('/sign-in/code', withPost(postCode))
  routes.post('/sign-in/code/verify', withPost(postCodeVerify))
}
