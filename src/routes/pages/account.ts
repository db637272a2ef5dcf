/**
 * `/account`, for the signed-in user: name, email and whether it is confirmed (with a resend),
 * password change, sessions (revoke one, or every other), linked providers (link, unlink: never
 * the last way in), recent auth events, and signing out here or everywhere. Signed out, it sends
 * the visitor to `/sign-in`.
 */
import { and, desc, eq, gt } from 'drizzle-orm'
import type { Context } from 'hono'
import { html } from 'hono/html'
import type { Hono } from 'hono/tiny'
import { session as sessionTable } from '../../../db/schema.ts'
import type { AppEnv } from '../../context.ts'
import { recordForRequest } from '../../plugins/auth-events.ts'
import { pagePath } from './callback.ts'
import { callAuth } from './form-call.ts'
import type { Markup } from './layout.ts'
import { noticeMessage } from './messages.ts'
import { field, formFields, notice, seeOther } from './parts.ts'
import { currentSession, type PageRoute, render, type SignedIn, withCallback, withPost } from './route.ts'

const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  credential: 'Password',
  github: 'GitHub',
  google: 'Google',
  oidc: 'Single sign-on',
}
const EVENT_NAMES: Readonly<Record<string, string>> = {
  sign_in: 'Sign-in',
  sign_up: 'Sign-up',
  sign_out: 'Sign-out',
  session_revoked: 'Session ended',
  password_changed: 'Password changed',
  password_reset: 'Password reset',
}

/** A short device name from a user agent: browser and platform, enough to recognise a session. */
function device(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device'
  const browser = /(Edg|Firefox|Chrome|Safari|curl|node)\b/.exec(userAgent)?.[1] ?? 'A browser'
  const platform = /(Windows|Mac OS X|Android|iPhone|iPad|Linux|CrOS)/.exec(userAgent)?.[1]
  return platform ? `${browser === 'Edg' ? 'Edge' : browser} on ${platform}` : browser
}

function when(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

async function sessionsSection(c: Context<AppEnv>, current: SignedIn): Promise<Markup> {
  const rows = await c.var.service.database.db
    .select({
      id: sessionTable.id,
      ipAddress: sessionTable.ipAddress,
      userAgent: sessionTable.userAgent,
      updatedAt: sessionTable.updatedAt,
    })
    .from(sessionTable)
    .where(and(eq(sessionTable.userId, current.user.id), gt(sessionTable.expiresAt, new Date())))
    .orderBy(desc(sessionTable.updatedAt))
  const items = rows.map((row) => {
    const here = row.id === current.session.id
    return html`<tr><td>${device(row.userAgent)}${here ? html` <strong>(this browser)</strong>` : ''}</td>
<td>${row.ipAddress ?? 'unknown'}</td><td>${when(row.updatedAt)}</td>
<td>${here ? '' : html`<form class="inline" method="post" action="/account/sessions/revoke"><input type="hidden" name="id" value="${row.id}"><button class="secondary" type="submit" aria-label="End the session of ${device(row.userAgent)}, last active ${when(row.updatedAt)}">End</button></form>`}</td></tr>`
  })
  return html`<h2>Sessions</h2><table><caption class="muted">Where you are signed in</caption>
<thead><tr><th scope="col">Device</th><th scope="col">Address</th><th scope="col">Last active</th><th scope="col">Action</th></tr></thead>
<tbody>${items}</tbody></table>
${rows.length > 1 ? html`<form method="post" action="/account/sessions/revoke-others"><button class="secondary" type="submit">End all other sessions</button></form>` : ''}`
}

async function providersSection(c: Context<AppEnv>): Promise<Markup> {
  const { auth, config } = c.var.service
  const accounts = await auth.api.listUserAccounts({ headers: c.req.raw.headers })
  const linked = new Set(accounts.map((a) => a.providerId))
  const last = accounts.length <= 1
  const items = accounts.map(
    (a) =>
      html`<li>${PROVIDER_NAMES[a.providerId] ?? a.providerId}${
        a.providerId === 'credential' || last
          ? ''
          : html` <form class="inline" method="post" action="/account/unlink"><input type="hidden" name="accountId" value="${a.id}"><button class="secondary" type="submit">Unlink ${PROVIDER_NAMES[a.providerId] ?? a.providerId}</button></form>`
      }</li>`,
  )
  const linkable = config.providers.enabled.filter((id) => !linked.has(id))
  const links = linkable.map(
    (id) =>
      html`<form class="inline" method="post" action="/account/link"><input type="hidden" name="provider" value="${id}"><button class="secondary" type="submit">Link ${PROVIDER_NAMES[id] ?? id}</button></form> `,
  )
  return html`<h2>Ways to sign in</h2><ul>${items}</ul>${last ? html`<p class="muted">Your only way to sign in stays linked.</p>` : ''}${links}`
}

async function eventsSection(c: Context<AppEnv>, userId: string): Promise<Markup> {
  const rows = await c.var.service.authEvents.list(userId, { limit: 10 })
  if (rows.length === 0) return html`<h2>Recent activity</h2><p class="muted">Nothing yet.</p>`
  const items = rows.map(
    (row) =>
      html`<li>${when(row.createdAt)}: ${EVENT_NAMES[row.type] ?? row.type.replaceAll('_', ' ')}${row.outcome === 'failed' ? ' (failed)' : ''}, ${device(row.userAgent)}</li>`,
  )
  return html`<h2>Recent activity</h2><ul>${items}</ul>`
}

const account: PageRoute = async (c) => {
  const current = await currentSession(c)
  if (!current) return seeOther('/sign-in')
  const { user } = current
  const [sessions, providers, events] = await Promise.all([
    sessionsSection(c, current),
    providersSection(c),
    eventsSection(c, user.id),
  ])
  return render(c, {
    title: 'Your account',
    body: html`${notice(c)}<p><strong>${user.name}</strong><br>${user.email}
${user.emailVerified ? html`<span class="muted">(confirmed)</span>` : html`<span>(not confirmed)</span>`}</p>
${user.emailVerified ? '' : html`<form method="post" action="/account/verify-email"><button class="secondary" type="submit">Send a confirmation link</button></form>`}
<h2>Change password</h2><form method="post" action="/account/password">
${field('Current password', 'currentPassword', 'password', 'current-password')}
${field('New password', 'newPassword', 'password', 'new-password', html`minlength="8" maxlength="128"`)}
<button type="submit">Change password</button></form>
${sessions}${providers}${events}
<h2>Sign out</h2><form class="inline" method="post" action="/sign-out"><button type="submit">Sign out</button></form>
<form class="inline" method="post" action="/sign-out/everywhere"><button class="secondary" type="submit">Sign out everywhere</button></form>`,
  })
}

/** An account action: signed out, to sign-in; done or failed, back to the account page with its code. */
function action(
  run: (c: Context<AppEnv>, current: SignedIn) => Promise<{ code?: string; retry?: number; cookies?: string[] }>,
) {
  return withPost(async (c) => {
    const current = await currentSession(c)
    if (!current) return seeOther(pagePath('/sign-in', undefined, { error: 'UNAUTHORIZED' }))
    const { code, retry, cookies } = await run(c, current)
    const key = noticeMessage(code) ? 'message' : 'error'
    return seeOther(pagePath('/account', undefined, { [key]: code, retry: retry ? String(retry) : undefined }), cookies)
  })
}

const outcome = (r: Awaited<ReturnType<typeof callAuth>>, done: string) =>
  r.ok ? { code: done, cookies: r.setCookies } : { code: r.code, retry: r.retryAfter, cookies: r.setCookies }

export function accountPages(routes: Hono<AppEnv>): void {
  routes.get('/account', withCallback(account))
  routes.post(
    '/account/password',
    action(async (c) => {
      const field = await formFields(c)
      const body = {
        currentPassword: field('currentPassword'),
        newPassword: field('newPassword'),
        revokeOtherSessions: true,
      }
      return outcome(await callAuth(c, '/change-password', body), 'PASSWORD_CHANGED')
    }),
  )
  routes.post(
    '/account/verify-email',
    action(async (c, { user }) => {
      const callbackURL = `${c.var.service.config.baseURL}/verified`
      return outcome(
        await callAuth(c, '/send-verification-email', { email: user.email, callbackURL }),
        'VERIFICATION_SENT',
      )
    }),
  )
  routes.post(
    '/account/sessions/revoke',
    action(async (c, current) => {
      const id = (await formFields(c))('id')
      const revoked = await c.var.service.database.db
        .delete(sessionTable)
        .where(and(eq(sessionTable.id, id), eq(sessionTable.userId, current.user.id)))
        .returning({ id: sessionTable.id })
      if (revoked.length === 0) return { code: 'SESSION_NOT_FOUND' }
      recordForRequest(c.var.service, c.req.raw, { type: 'session_revoked', outcome: 'ok', userId: current.user.id })
      return { code: 'SESSION_REVOKED' }
    }),
  )
  routes.post(
    '/account/sessions/revoke-others',
    action(async (c) => outcome(await callAuth(c, '/revoke-other-sessions', {}), 'OTHERS_REVOKED')),
  )
  routes.post(
    '/account/unlink',
    action(async (c) => {
      const accountId = (await formFields(c))('accountId')
      return outcome(await callAuth(c, '/unlink-account', { accountId }), 'UNLINKED')
    }),
  )
  routes.post(
    '/account/link',
    withPost(async (c) => {
      if (!(await currentSession(c))) return seeOther('/sign-in')
      const provider = (await formFields(c))('provider')
      const back = `${c.var.service.config.baseURL}/account`
      const result = await callAuth(c, '/link-social', { provider, callbackURL: back, errorCallbackURL: back })
      const url = result.ok ? result.body.url : undefined
      if (typeof url !== 'string')
        return seeOther(pagePath('/account', undefined, { error: result.ok ? 'OAUTH_FAILED' : result.code }))
      return seeOther(url, result.setCookies)
    }),
  )
  routes.post(
    '/sign-out',
    withPost(async (c, callback) => {
      const result = await callAuth(c, '/sign-out', {})
      return seeOther(pagePath('/sign-in', callback, { message: 'SIGNED_OUT' }), result.setCookies)
    }),
  )
  routes.post(
    '/sign-out/everywhere',
    withPost(async (c) => {
      await callAuth(c, '/revoke-other-sessions', {})
      const result = await callAuth(c, '/sign-out', {})
      return seeOther(pagePath('/sign-in', undefined, { message: 'SIGNED_OUT' }), result.setCookies)
    }),
  )
}
