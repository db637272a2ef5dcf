/**
 * The hosted pages in Chromium, cross-site with third-party cookies blocked: the frontend at
 * https://docs.other.test (which has the hand-off of edge-auth/client and no sign-in form of its
 * own in these tests) links to https://auth.service.test/sign-in?callbackURL=…, the Worker in
 * workerd, mailing to a real maildev. Every flow ends on the frontend signed in through the
 * hand-off; axe-core finds no serious or critical violation on any page. On every database
 * backend; the OIDC button against the real oidc-provider on PGlite.
 */
import { createRequire } from 'node:module'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { backendNames } from '../support/backends.ts'
import { describeBrowser } from '../support/browser.ts'
import { rememberSecret } from '../support/log-capture.ts'
import { mailBindings } from '../support/mail-service.ts'
import { codeIn, type Inbox, linkIn, startInbox } from '../support/maildev.ts'
import { startIdentityProvider, type TestIdentityProvider } from '../support/oidc-provider.ts'
import { uniqueEmail } from '../support/service.ts'
import { BROWSER_BACKEND, drive, PASSWORD, useBrowserScenario } from './harness.ts'

vi.setConfig({ testTimeout: 90_000 })

const axeSource: string = createRequire(import.meta.url)('axe-core').source

async function fresh(browser: Browser, options: { javaScriptEnabled?: boolean; bypassCSP?: boolean } = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, ...options })
  const page = await context.newPage()
  return { context, page }
}

/** Serious and critical axe-core violations of the page as it is (axe injected past the CSP). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource })
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }).axe
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact }))
  })
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact})`)
}

async function fillAndSubmit(page: Page, fields: Record<string, string>, button: string) {
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value)
  await page.getByRole('button', { name: button, exact: true }).click()
}

describeBrowser('hosted pages in Chromium (docs.other.test -> auth.service.test/sign-in, SMTP to maildev)', () => {
  describe.each(backendNames)('on %s', (backend) => {
    const scenario = useBrowserScenario({
      mode: `pages-${backend}`,
      pageHost: 'docs.other.test',
      serviceHost: 'auth.service.test',
      backend,
    })
    let inbox: Inbox
    let idp: TestIdentityProvider | undefined
    const landing = () => `${scenario.frontend.origin}/after`
    const signInLink = () => `${scenario.service.url}/sign-in?callbackURL=${encodeURIComponent(landing())}`

    beforeAll(async () => {
      inbox = await startInbox()
      if (backend === BROWSER_BACKEND)
        idp = await startIdentityProvider([`${scenario.service.url}/api/auth/callback/oidc`])
      await scenario.service.restart({ ...mailBindings(inbox), ...idp?.bindings })
    })
    afterAll(async () => {
      await inbox?.stop()
      await idp?.close()
    })

    /** An account signed up on the hosted page and verified by its mailed link, in its own context. */
    async function verifiedAccount(label: string): Promise<string> {
      const email = uniqueEmail(label)
      const { context, page } = await fresh(scenario.browser)
      try {
        await page.goto(`${scenario.service.url}/sign-up`)
        await fillAndSubmit(page, { Name: 'Ada', Email: email, Password: PASSWORD }, 'Create account')
        await page.goto(linkIn(await inbox.next(email), `${scenario.service.url}/api/auth/verify-email?`))
        await page.waitForURL(`${scenario.service.url}/verified`)
      } finally {
        await context.close()
      }
      return email
    }

    /** The frontend page after landing: the hand-off exchanged, signed in as `email`. */
    async function landedSignedIn(page: Page, email: string) {
      await page.waitForURL(`${landing()}*`)
      const state = await drive(page).ready()
      expect(state).toMatchObject({ handoff: 'exchanged', session: { email } })
    }

    it('a frontend links to sign-up; the mailed link lands on the frontend signed in', async () => {
      const email = uniqueEmail('pages-up')
      const { context, page } = await fresh(scenario.browser)
      try {
        await page.goto(`${scenario.frontend.origin}/`)
        const driver = drive(page)
        await driver.ready()
        expect((await driver.probeThirdPartyCookies(scenario.service.url)).unpartitionedSent).toBe(false)
        // The frontend's only auth code: a link.
        await page.evaluate((href) => {
          const a = document.createElement('a')
          a.href = href
          a.textContent = 'Sign in'
          document.body.prepend(a)
        }, signInLink())
        await page.getByRole('link', { name: 'Sign in', exact: true }).first().click()
        await page.waitForURL(`${scenario.service.url}/sign-in?*`)
        await page.getByRole('link', { name: 'Create an account' }).click()
        await fillAndSubmit(page, { Name: 'Ada', Email: email, Password: PASSWORD }, 'Create account')
        expect(await page.getByRole('status').textContent()).toContain('Check your inbox')
        const link = linkIn(await inbox.next(email), `${scenario.service.url}/api/auth/verify-email?`)
        rememberSecret('verification link', link)
        await page.goto(link)
        await landedSignedIn(page, email)
      } finally {
        await context.close()
      }
    })

    it('signs in by password with the keyboard only, and a signed-in visitor sees "Continue as"', async () => {
      const email = await verifiedAccount('pages-keys')
      const { context, page } = await fresh(scenario.browser)
      try {
        await page.goto(signInLink())
        // Tab from the top of the page to the email field: it is the first field.
        for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.id === 'email')); i++)
          await page.keyboard.press('Tab')
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('email')
        await page.keyboard.type(email)
        await page.keyboard.press('Tab')
        await page.keyboard.type(PASSWORD)
        await page.keyboard.press('Enter')
        await landedSignedIn(page, email)

        await page.goto(signInLink())
        await page.getByRole('link', { name: 'Continue as Ada' }).click()
        await landedSignedIn(page, email)
      } finally {
        await context.close()
      }
    })

    it('signs in with JavaScript disabled: the form posts, and the browser arrives at the frontend with the hand-off', async () => {
      const email = await verifiedAccount('pages-nojs')
      const { context, page } = await fresh(scenario.browser, { javaScriptEnabled: false })
      try {
        await page.goto(signInLink())
        await fillAndSubmit(page, { Email: email, Password: PASSWORD }, 'Sign in')
        await page.waitForURL(`${landing()}?ott=*`)
        rememberSecret('one-time token', new URL(page.url()).searchParams.get('ott'))
        await page.goto(`${scenario.service.url}/account`)
        expect(await page.locator('main').textContent()).toContain(email)
      } finally {
        await context.close()
      }
    })

    it('forgot, reset from the mailed link, then sign in with the new password', async () => {
      const email = await verifiedAccount('pages-reset')
      const newPassword = 'a new password for the pages'
      rememberSecret('password', newPassword)
      const { context, page } = await fresh(scenario.browser)
      try {
        await page.goto(signInLink())
        await page.getByRole('link', { name: 'Forgot password?' }).click()
        await fillAndSubmit(page, { Email: email }, 'Send reset link')
        expect(await page.getByRole('status').textContent()).toContain('a reset link is on its way')
        const link = linkIn(await inbox.next(email, { count: 2 }), `${scenario.service.url}/api/auth/reset-password/`)
        rememberSecret('reset link', link)
        await page.goto(link)
        await page.waitForURL(`${scenario.service.url}/reset-password?callbackURL=*`)
        expect(page.url()).not.toContain('token=')
        await fillAndSubmit(page, { 'New password': newPassword }, 'Set new password')
        expect(await page.getByRole('status').textContent()).toContain('Password changed')
        await fillAndSubmit(page, { Email: email, Password: PASSWORD }, 'Sign in')
        expect(await page.getByRole('status').textContent()).toContain('do not match')
        await fillAndSubmit(page, { Email: email, Password: newPassword }, 'Sign in')
        await landedSignedIn(page, email)
      } finally {
        await context.close()
      }
    })

    it('signs in with an emailed code', async () => {
      const email = uniqueEmail('pages-code')
      const { context, page } = await fresh(scenario.browser)
      try {
        await page.goto(signInLink())
        await page.getByRole('link', { name: 'Email me a code instead' }).click()
        await fillAndSubmit(page, { Email: email }, 'Email me a code')
        const code = codeIn(await inbox.next(email))
        rememberSecret('code', code)
        await fillAndSubmit(page, { Code: code }, 'Sign in')
        await landedSignedIn(page, email)
      } finally {
        await context.close()
      }
    })

    it('the account page ends another session, and that session is gone', async () => {
      const email = await verifiedAccount('pages-revoke')
      const first = await fresh(scenario.browser)
      const second = await fresh(scenario.browser)
      try {
        for (const { page } of [first, second]) {
          await page.goto(`${scenario.service.url}/sign-in`)
          await fillAndSubmit(page, { Email: email, Password: PASSWORD }, 'Sign in')
          await page.waitForURL(`${scenario.service.url}/account`)
        }
        await first.page.reload()
        await first.page
          .getByRole('button', { name: /^End the session of/ })
          .first()
          .click()
        expect(await first.page.getByRole('status').textContent()).toContain('That session has ended.')
        await second.page.goto(`${scenario.service.url}/account`)
        await second.page.waitForURL(`${scenario.service.url}/sign-in`)
        await first.page.goto(`${scenario.service.url}/account`)
        expect(first.page.url()).toBe(`${scenario.service.url}/account`)
      } finally {
        await first.context.close()
        await second.context.close()
      }
    })

    it('answers an untrusted callbackURL with an error page, never a redirect', async () => {
      const { context, page } = await fresh(scenario.browser)
      try {
        const response = await page.goto(
          `${scenario.service.url}/sign-in?callbackURL=${encodeURIComponent('https://evil.example/after')}`,
        )
        expect(response?.status()).toBe(400)
        expect(page.url()).toContain(`${scenario.service.url}/sign-in`)
        expect(await page.locator('[role=alert]').textContent()).toContain('does not trust')
      } finally {
        await context.close()
      }
    })

    it.runIf(backend === BROWSER_BACKEND)('signs in with the OIDC button against the real provider', async () => {
      const user = idp!.addUser({ email: uniqueEmail('pages-oidc'), emailVerified: true, name: 'Oidc User' })
      const { context, page } = await fresh(scenario.browser)
      try {
        await page.goto(signInLink())
        await page.getByRole('link', { name: 'Continue with single sign-on' }).click()
        await page.waitForURL(`${idp!.issuer}/interaction/**`)
        await page.locator('select[name=user]').selectOption(user.id)
        await page.getByRole('button', { name: 'Sign in' }).click()
        await page.waitForURL(`${idp!.issuer}/interaction/**`)
        await page.getByRole('button', { name: 'Allow' }).click()
        await landedSignedIn(page, user.email)
      } finally {
        await context.close()
      }
    })

    it.runIf(backend === BROWSER_BACKEND)('links the OIDC provider on the account page, then unlinks it', async () => {
      const email = await verifiedAccount('pages-link')
      const user = idp!.addUser({ email, emailVerified: true, name: 'Ada' })
      const { context, page } = await fresh(scenario.browser)
      try {
        await page.goto(`${scenario.service.url}/sign-in`)
        await fillAndSubmit(page, { Email: email, Password: PASSWORD }, 'Sign in')
        await page.waitForURL(`${scenario.service.url}/account`)
        await page.getByRole('button', { name: 'Link single sign-on' }).click()
        await page.waitForURL(`${idp!.issuer}/interaction/**`)
        await page.locator('select[name=user]').selectOption(user.id)
        await page.getByRole('button', { name: 'Sign in' }).click()
        await page.waitForURL(`${idp!.issuer}/interaction/**`)
        await page.getByRole('button', { name: 'Allow' }).click()
        await page.waitForURL(`${scenario.service.url}/account`)
        await page.getByRole('button', { name: 'Unlink single sign-on' }).click()
        expect(await page.getByRole('status').textContent()).toContain('The provider is no longer linked.')
        await expect(page.getByRole('button', { name: 'Link single sign-on' }).count()).resolves.toBe(1)
      } finally {
        await context.close()
      }
    })

    it('axe-core finds no serious or critical violation on any page', async () => {
      const email = await verifiedAccount('pages-axe')
      const { context, page } = await fresh(scenario.browser, { bypassCSP: true })
      const base = scenario.service.url
      const found: Record<string, string[]> = {}
      const check = async (name: string, url?: string) => {
        if (url) await page.goto(url)
        found[name] = await axeViolations(page)
      }
      try {
        await check('sign-in', signInLink())
        await check('sign-in error', `${base}/sign-in?error=RATE_LIMITED&retry=30`)
        await check('sign-up', `${base}/sign-up`)
        await check('forgot-password', `${base}/forgot-password`)
        await check('reset-password without a link', `${base}/reset-password`)
        await check('code', `${base}/sign-in/code`)
        await fillAndSubmit(page, { Email: email }, 'Email me a code')
        await check('code sent')
        await check('verified', `${base}/verified`)
        await check('untrusted callback', `${base}/sign-in?callbackURL=https%3A%2F%2Fevil.example%2F`)
        await page.goto(`${base}/sign-in`)
        await fillAndSubmit(page, { Email: email, Password: PASSWORD }, 'Sign in')
        await page.waitForURL(`${base}/account`)
        await check('account')
        await check('continue as', signInLink())
        // The dark scheme (prefers-color-scheme) has its own colours: contrast is checked there too.
        await page.emulateMedia({ colorScheme: 'dark' })
        await check('account, dark', `${base}/account?error=RATE_LIMITED&retry=5`)
        await check('sign-up, dark', `${base}/sign-up`)
        expect(found).toEqual(Object.fromEntries(Object.keys(found).map((name) => [name, []])))
      } finally {
        await context.close()
      }
    })
  })
})
