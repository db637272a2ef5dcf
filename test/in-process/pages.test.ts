/**
 * The hosted pages in-process, with mail to a real maildev: forms posted as a browser would
 * (urlencoded, Origin or Sec-Fetch-Site), answered by a redirect to a GET; the origin check; the
 * callbackURL check; identical pages for known and unknown addresses; PAGES=off; the headers.
 */
import { describe, expect, it, vi } from 'vitest'
import { ERRORS } from '../../src/errors.ts'
import { errorMessage } from '../../src/routes/pages/messages.ts'
import { backendNames } from '../support/backends.ts'
import type { TestClient } from '../support/client.ts'
import { codeBlock, DOCS_SERVICE_URL, replaceExactly } from '../support/docs.ts'
import { pathOf, useMailService } from '../support/mail-service.ts'
import { linkIn } from '../support/maildev.ts'
import { uniqueEmail } from '../support/service.ts'

vi.setConfig({ testTimeout: 60_000 })

const SERVICE = 'http://localhost:8787'
const FRONTEND = 'http://localhost:3000'
const PASSWORD = 'correct horse battery'
const AFTER = `${FRONTEND}/after`

function post(tab: TestClient, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return tab.request(path, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  })
}

describe('page messages', () => {
  it('has a human sentence for every code of the registry, and a general one for anything else', () => {
    for (const code of Object.keys(ERRORS)) {
      expect(errorMessage(code)).toMatch(/^[A-Z].{10,}[.]$/)
      expect(errorMessage(code)).not.toContain(code)
    }
    expect(errorMessage('<script>')).toBe('That did not work. Please try again.')
  })
})

describe.each(backendNames)('hosted pages on %s', (backendName) => {
  const running = useMailService(backendName, {}, { target: 'in-process' })
  const page = () => running.service.client(SERVICE)

  it('shows sign-in as HTML with strict headers, and refuses an untrusted callbackURL with an error page', async () => {
    const tab = page()
    const response = await tab.request(`/sign-in?callbackURL=${encodeURIComponent(AFTER)}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    const csp = response.headers.get('content-security-policy')!
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toContain('form-action')
    expect(csp).not.toMatch(/script-src|unsafe-inline/)
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    const text = await response.text()
    expect(text).toContain('<label for="email">Email</label>')
    expect(text).toContain(`value="${AFTER}"`)

    for (const [callback, code] of [
      ['https://evil.example/after', 'does not trust'],
      ['not a url', 'not a valid URL'],
    ] as const) {
      const refused = await tab.request(`/sign-in?callbackURL=${encodeURIComponent(callback)}`)
      expect(refused.status).toBe(400)
      expect(refused.headers.get('location')).toBeNull()
      expect(refused.headers.get('content-type')).toMatch(/^text\/html/)
      expect(await refused.text()).toContain(code)
    }
  })

  it("opens docs/pages.md's link-only integration as a page that comes back to the frontend", async () => {
    const snippet = codeBlock('docs/pages.md', '## Link-only integration', 'html')
    const adapted = replaceExactly(
      replaceExactly(snippet, DOCS_SERVICE_URL, '', 1),
      encodeURIComponent('https://docs.example.com/after'),
      encodeURIComponent(AFTER),
      1,
    )
    const href = /href="([^"]+)"/.exec(adapted)![1]!
    const response = await page().request(href)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain(`<input type="hidden" name="callbackURL" value="${AFTER}">`)
  })

  it('accepts a form post only from its own origin (Origin: null with Sec-Fetch-Site: same-origin too)', async () => {
    const email = uniqueEmail('origin')
    const fields = { email, password: PASSWORD }
    const foreign = await post(running.service.client('https://evil.example'), '/sign-in', fields)
    expect(foreign.status).toBe(403)
    expect(await foreign.text()).toContain('sent from another site')
    const nullOnly = await post(running.service.client(null), '/sign-in', fields, { origin: 'null' })
    expect(nullOnly.status).toBe(403)
    const sameOrigin = await post(running.service.client(null), '/sign-in', fields, {
      origin: 'null',
      'sec-fetch-site': 'same-origin',
    })
    expect(sameOrigin.status).toBe(303)
    expect(sameOrigin.headers.get('location')).toBe('/sign-in?error=INVALID_EMAIL_OR_PASSWORD')
  })

  it('signs up with identical answers for new and existing addresses; the mailed link lands on the frontend through the hand-off', async () => {
    const email = uniqueEmail('pages-up')
    const fields = { name: 'Ada', email, password: PASSWORD, callbackURL: AFTER }
    const first = await post(page(), '/sign-up', fields)
    expect(first.status).toBe(303)
    // The verification mail first: the existing-account notice of the second sign-up could overtake it.
    const link = linkIn(await running.inbox.next(email), `${SERVICE}/api/auth/verify-email?`)
    const again = await post(page(), '/sign-up', fields)
    expect(again.headers.get('location')).toBe(first.headers.get('location'))
    expect(first.headers.get('location')).toBe(`/sign-up?callbackURL=${encodeURIComponent(AFTER)}&message=CHECK_INBOX`)
    const shown = await (await page().request(first.headers.get('location')!)).text()
    expect(shown).toContain('Check your inbox')

    const tab = page()
    const verified = await tab.request(pathOf(link))
    expect(verified.status).toBe(302)
    const handoff = new URL(verified.headers.get('location')!)
    expect(handoff.pathname).toBe('/auth/handoff')
    const landed = await tab.request(pathOf(handoff.toString()))
    const target = new URL(landed.headers.get('location')!)
    expect(`${target.origin}${target.pathname}`).toBe(AFTER)
    expect(target.searchParams.get('ott')).toMatch(/.{20,}/)
  })

  it('signs in by password to the hand-off; a wrong password and an unknown address look the same', async () => {
    const email = uniqueEmail('pages-in')
    const tab = page()
    await post(tab, '/sign-up', { name: 'Ada', email, password: PASSWORD })
    await tab.request(pathOf(linkIn(await running.inbox.next(email), `${SERVICE}/api/auth/verify-email?`)))
    const fresh = page()
    const wrong = await post(fresh, '/sign-in', { email, password: 'not the password', callbackURL: AFTER })
    const unknown = await post(fresh, '/sign-in', {
      email: uniqueEmail('nobody'),
      password: 'x'.repeat(10),
      callbackURL: AFTER,
    })
    expect(wrong.headers.get('location')).toBe(unknown.headers.get('location'))
    const shown = await (await fresh.request(wrong.headers.get('location')!)).text()
    expect(shown).toContain('That email and password do not match an account.')
    expect(shown).not.toMatch(/"code"/)

    const ok = await post(fresh, '/sign-in', { email, password: PASSWORD, callbackURL: AFTER })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe(`/auth/handoff?callbackURL=${encodeURIComponent(AFTER)}`)
    expect(ok.headers.get('set-auth-token')).toBeNull()
    expect(ok.headers.getSetCookie().some((l) => l.includes('session_token='))).toBe(true)

    const again = await fresh.request(`/sign-in?callbackURL=${encodeURIComponent(AFTER)}`)
    expect(await again.text()).toContain('Continue as Ada')
    expect((await fresh.request('/')).headers.get('location')).toBe('/account')
    const account = await fresh.request('/account')
    const text = await account.text()
    expect(text).toContain(email)
    expect(text).toContain('(this browser)')
    expect(text).not.toMatch(/session_token|ott=/)
    expect((await page().request('/')).headers.get('location')).toBe('/sign-in')
    expect((await page().request('/account')).headers.get('location')).toBe('/sign-in')
  })

  it('answers forgot-password alike for known and unknown addresses, and keeps the reset token out of the page', async () => {
    const email = uniqueEmail('pages-reset')
    const tab = page()
    await post(tab, '/sign-up', { name: 'Ada', email, password: PASSWORD })
    await tab.request(pathOf(linkIn(await running.inbox.next(email), `${SERVICE}/api/auth/verify-email?`)))
    const known = await post(page(), '/forgot-password', { email })
    const unknown = await post(page(), '/forgot-password', { email: uniqueEmail('nobody') })
    expect(known.headers.get('location')).toBe('/forgot-password?message=RESET_SENT')
    expect(unknown.headers.get('location')).toBe(known.headers.get('location'))

    const link = linkIn(await running.inbox.next(email, { count: 2 }), `${SERVICE}/api/auth/reset-password/`)
    const token = new URL(link).pathname.split('/').pop()!
    const resetTab = page()
    const toPage = await resetTab.request(pathOf(link))
    const withToken = await resetTab.request(pathOf(new URL(toPage.headers.get('location')!, SERVICE).toString()))
    expect(withToken.status).toBe(303)
    expect(withToken.headers.get('location')).toBe('/reset-password')
    const form = await (await resetTab.request('/reset-password')).text()
    expect(form).toContain('Set new password')
    expect(form).not.toContain(token)
    const done = await post(resetTab, '/reset-password', { password: 'a brand new password' })
    expect(done.headers.get('location')).toBe('/sign-in?message=PASSWORD_RESET')
    const signedIn = await post(page(), '/sign-in', { email, password: 'a brand new password' })
    expect(signedIn.headers.get('location')).toBe('/account')
  })

  it('account actions: change password, end other sessions, resend is refused once confirmed, sign out everywhere', async () => {
    const email = uniqueEmail('pages-account')
    const here = page()
    await post(here, '/sign-up', { name: 'Ada', email, password: PASSWORD })
    await here.request(pathOf(linkIn(await running.inbox.next(email), `${SERVICE}/api/auth/verify-email?`)))
    const elsewhere = page()
    expect((await post(elsewhere, '/sign-in', { email, password: PASSWORD })).headers.get('location')).toBe('/account')

    const resend = await post(here, '/account/verify-email', {})
    expect(resend.headers.get('location')).toBe('/account?error=EMAIL_ALREADY_VERIFIED')
    const changed = await post(here, '/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'another good password',
    })
    expect(changed.headers.get('location')).toBe('/account?message=PASSWORD_CHANGED')
    expect(await (await here.request('/account?message=PASSWORD_CHANGED')).text()).toContain('Password changed.')
    // The password change ended the other session: its account page sends it to sign-in.
    expect((await elsewhere.request('/account')).headers.get('location')).toBe('/sign-in')

    const third = page()
    await post(third, '/sign-in', { email, password: 'another good password' })
    expect((await post(here, '/account/sessions/revoke-others', {})).headers.get('location')).toBe(
      '/account?message=OTHERS_REVOKED',
    )
    expect((await third.request('/account')).headers.get('location')).toBe('/sign-in')
    const unlinkLast = await post(here, '/account/unlink', { accountId: 'any' })
    expect(unlinkLast.headers.get('location')).toBe('/account?error=FAILED_TO_UNLINK_LAST_ACCOUNT')

    const out = await post(here, '/sign-out/everywhere', {})
    expect(out.headers.get('location')).toBe('/sign-in?message=SIGNED_OUT')
    expect((await here.request('/account')).headers.get('location')).toBe('/sign-in')
  })

  it('shows a rate limit with when to try again (the per-recipient mail budget, alike for any address)', async () => {
    await running.service.restart({ RATE_LIMIT: '' })
    try {
      const email = uniqueEmail('pages-limit')
      const answers: string[] = []
      for (let i = 0; i < 4; i++)
        answers.push((await post(page(), '/forgot-password', { email })).headers.get('location')!)
      expect(answers.slice(0, 3)).toEqual(Array(3).fill('/forgot-password?message=RESET_SENT'))
      const limited = new URL(answers[3]!, SERVICE)
      expect(limited.searchParams.get('error')).toBe('RATE_LIMITED')
      const retry = Number(limited.searchParams.get('retry'))
      expect(retry).toBeGreaterThan(0)
      const shown = await (await page().request(`${limited.pathname}${limited.search}`)).text()
      expect(shown).toContain(`Too many attempts. Try again in ${retry} seconds.`)
    } finally {
      await running.service.restart()
    }
  })

  it('answers a browser whose cookie holds a byte that is not ASCII with a page, an API client with JSON', async () => {
    const cookie = 'better-auth.session_token=caf\u00e9'
    const browser = await page().request('/sign-in', { headers: { cookie, accept: 'text/html,*/*;q=0.8' } })
    expect(browser.status).toBe(400)
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/)
    const text = await browser.text()
    expect(text).toContain('role="alert"')
    expect(text).not.toContain('caf')
    const api = await page().request('/sign-in', { headers: { cookie } })
    expect(await api.json()).toMatchObject({ code: 'INVALID_CREDENTIAL_HEADER' })
  })

  it('answers an unknown path below the pages with a page, not JSON', async () => {
    const response = await page().request('/account/no-such-page')
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await response.text()).toContain(errorMessage('NOT_FOUND'))
  })

  it('turns off with PAGES=off: /sign-in and /account are JSON 404s, GET / the developer page', async () => {
    await running.service.restart({ PAGES: 'off' })
    try {
      for (const path of ['/sign-in', '/account']) {
        const response = await page().request(path)
        expect(response.status).toBe(404)
        expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' })
      }
      expect((await page().request('/')).status).toBe(200)
    } finally {
      await running.service.restart()
    }
  })
})
