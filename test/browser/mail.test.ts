/**
 * The mail flows in Chromium, cross-site with third-party cookies blocked: the page at
 * https://docs.other.test runs the mail snippet of docs/email.md (its form, page/mail-form.ts) against the
 * Worker bundle in workerd at https://auth.service.test, which sends by SMTP to a real maildev.
 * A verification link followed in the browser goes through the hand-off and lands on the page
 * signed in (the cookie in the page's partition); a reset link leads to the page, which posts the
 * new password; a mailed code typed into the page signs in by fetch. On PGlite.
 */
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { embeddedBackendNames } from '../support/backends.ts'
import { describeBrowser } from '../support/browser.ts'
import { rememberSecret } from '../support/log-capture.ts'
import { mailBindings, pathOf } from '../support/mail-service.ts'
import { codeIn, type Inbox, linkIn, startInbox } from '../support/maildev.ts'
import { uniqueEmail } from '../support/service.ts'
import { drive, openPage, PASSWORD, SESSION_COOKIE, useBrowserScenario } from './harness.ts'

// Each flow hashes passwords (about 0.5-0.9 s each on two shared cores) and waits for mail.
vi.setConfig({ testTimeout: 90_000 })

const PARTITION = 'https://other.test'

async function partitionedSessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === SESSION_COOKIE && c.partitionKey === PARTITION)
}

/** The session a new tab of the page sees: the cookie alone (the bearer fallback stays in its own tab). */
async function newTabSession(context: BrowserContext, url: string) {
  const page = await context.newPage()
  try {
    await page.goto(url)
    const state = await drive(page).ready()
    expect(state.bearerStored).toBe(false)
    return state.session
  } finally {
    await page.close()
  }
}

describeBrowser('mail flows in Chromium (docs.other.test -> auth.service.test, SMTP to maildev)', () => {
  describe.each(embeddedBackendNames)('on %s', (backend) => {
    const scenario = useBrowserScenario({
      mode: `mail-${backend}`,
      pageHost: 'docs.other.test',
      serviceHost: 'auth.service.test',
      backend,
    })
    let inbox: Inbox

    beforeAll(async () => {
      inbox = await startInbox()
      await scenario.service.restart(mailBindings(inbox))
    })
    afterAll(() => inbox?.stop())

    it('signs up on the page, follows the mailed link, arrives signed in through the hand-off and stays so after a reload', async () => {
      const email = uniqueEmail('verify')
      const { context, driver, errors } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
      try {
        // Third-party cookies are blocked here: an unpartitioned cross-site cookie never comes back.
        expect((await driver.probeThirdPartyCookies(scenario.service.url)).unpartitionedSent).toBe(false)

        expect(await driver.mail('Sign up', { Email: email, Password: PASSWORD })).toBe(
          'Check your inbox for a link to finish signing up.',
        )
        expect(await driver.getSession()).toBeNull()

        const link = linkIn(await inbox.next(email), `${scenario.service.url}/api/auth/verify-email?`)
        rememberSecret('verification link', link)
        const callback = new URL(new URL(link).searchParams.get('callbackURL')!)
        expect(`${callback.origin}${callback.pathname}`).toBe(`${scenario.service.url}/auth/handoff`)
        expect(callback.searchParams.get('callbackURL')).toBe(`${scenario.frontend.origin}/welcome`)

        await driver.page.goto(link)
        await driver.page.waitForURL(`${scenario.frontend.origin}/welcome`)
        const landed = await driver.ready()
        expect(landed).toMatchObject({ handoff: 'exchanged', signInOutcome: 'Signed in', session: { email } })
        expect(await partitionedSessionCookie(context)).toMatchObject({
          domain: 'auth.service.test',
          sameSite: 'None',
          secure: true,
        })

        const reloaded = await driver.reload()
        expect(reloaded.session?.email).toBe(email)
        expect(reloaded.diagnosis).toMatchObject({ status: 'valid', credential: 'cookie', causes: [] })
        expect(await newTabSession(context, `${scenario.frontend.origin}/`)).toMatchObject({ email })
        await driver.screenshot(`mail-verified-${backend}`)
        expect(errors).toEqual([])
      } finally {
        await context.close()
      }
    })

    it('resets the password from the mailed link on the page; the new password signs in, the old one fails', async () => {
      const email = uniqueEmail('reset')
      const newPassword = 'a brand new password for the browser'
      rememberSecret('password', newPassword)
      // A verified account, signed up and verified outside the browser.
      const elsewhere = scenario.service.client(scenario.frontend.origin)
      expect((await elsewhere.signUp(email, PASSWORD)).status).toBe(200)
      const verified = await elsewhere.request(pathOf(linkIn(await inbox.next(email), scenario.service.url)))
      expect(verified.status).toBe(302)
      expect((await elsewhere.session())?.user.email).toBe(email)

      const { context, driver, errors } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
      try {
        expect(await driver.mail('Forgot password', { Email: email })).toBe(
          'If that address has an account, a reset link is on its way.',
        )
        const link = linkIn(await inbox.next(email, { count: 2 }), `${scenario.service.url}/api/auth/reset-password/`)
        rememberSecret('reset link', link)
        rememberSecret('reset token', new URL(link).pathname.split('/').pop())
        await driver.page.goto(link)
        await driver.page.waitForURL(`${scenario.frontend.origin}/reset?token=*`)
        await driver.ready()
        expect(await driver.mail('Set new password', { 'New password': newPassword })).toBe(
          'Password changed: sign in with it.',
        )
        // Every session of the user ended, the one outside the browser too (once its signed
        // session cache cookie, SESSION_CACHE_TTL, has lapsed).
        elsewhere.forgetSessionCache()
        expect(await elsewhere.session()).toBeNull()

        expect(await driver.signIn(email, PASSWORD)).toMatchObject({ ok: false, status: 401 })
        expect(await driver.signIn(email, newPassword)).toMatchObject({ ok: true, status: 200, email })
        expect(await partitionedSessionCookie(context)).toBeDefined()
        expect((await driver.reload()).session?.email).toBe(email)
        await driver.screenshot(`mail-reset-${backend}`)
        expect(errors).toEqual([])
      } finally {
        await context.close()
      }
    })

    it('signs in with a mailed code typed into the page, and stays signed in after a reload', async () => {
      const email = uniqueEmail('code')
      const { context, driver, errors } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
      try {
        expect(await driver.mail('Send code', { Email: email })).toBe('Code sent.')
        const code = codeIn(await inbox.next(email))
        expect(await driver.mail('Sign in with code', { Code: code })).toBe(`Signed in as ${email}`)
        expect(driver.page.url()).toBe(`${scenario.frontend.origin}/`)
        expect(await driver.getSession()).toMatchObject({ email })
        expect(await partitionedSessionCookie(context)).toMatchObject({ domain: 'auth.service.test', sameSite: 'None' })

        const reloaded = await driver.reload()
        expect(reloaded.session?.email).toBe(email)
        expect(reloaded.diagnosis).toMatchObject({ status: 'valid', credential: 'cookie', causes: [] })
        expect(await newTabSession(context, `${scenario.frontend.origin}/`)).toMatchObject({ email })
        await driver.screenshot(`mail-code-${backend}`)
        expect(errors).toEqual([])
      } finally {
        await context.close()
      }
    })
  })
})
