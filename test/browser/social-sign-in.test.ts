/**
 * Sign-in with an OpenID provider from a frontend on another site, in Chromium with third-party
 * cookies blocked: the page's "Sign in with OIDC" link (the snippet of docs/social-sign-in.md) goes to the service,
 * on to a real oidc-provider on loopback where the user logs in and consents, back to the service's
 * callback and through the hand-off to the page, signed in; a reload keeps it. Denied consent
 * lands on the page with OAUTH_ACCESS_DENIED. PGlite backend only (see harness.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBrowser } from '../support/browser.ts'
import { startIdentityProvider, type TestIdentityProvider } from '../support/oidc-provider.ts'
import { uniqueEmail } from '../support/service.ts'
import { drive, SESSION_COOKIE, useBrowserScenario } from './harness.ts'

describeBrowser('sign-in with OIDC (docs.other.test -> auth.service.test -> provider on localhost)', () => {
  const scenario = useBrowserScenario({
    mode: 'oidc',
    pageHost: 'docs.other.test',
    serviceHost: 'auth.service.test',
  })
  let idp: TestIdentityProvider

  beforeAll(async () => {
    idp = await startIdentityProvider([`${scenario.service.url}/api/auth/callback/oidc`])
    await scenario.service.restart(idp.bindings)
  })
  afterAll(() => idp?.close())

  it('signs in through the provider, arrives back signed in, and stays signed in after a reload', async () => {
    const user = idp.addUser({ email: uniqueEmail('chromium'), emailVerified: true, name: 'Chromium User' })
    const context = await scenario.browser.newContext({ viewport: { width: 1100, height: 700 } })
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.goto(`${scenario.frontend.origin}/`)
      const driver = drive(page)
      expect((await driver.ready()).session).toBeNull()

      // Third-party cookies are blocked here: an unpartitioned cross-site cookie never comes back.
      const probe = await driver.probeThirdPartyCookies(scenario.service.url)
      expect(probe.unpartitionedSent).toBe(false)

      await page.getByRole('link', { name: 'Sign in with OIDC' }).click()
      await page.waitForURL(`${idp.issuer}/interaction/**`)
      await page.locator('select[name=user]').selectOption(user.id)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${idp.issuer}/interaction/**`)
      await page.getByRole('button', { name: 'Allow' }).click()

      await page.waitForURL(`${scenario.frontend.origin}/signed-in`)
      const landed = await driver.ready()
      expect(landed.handoff).toBe('exchanged')
      expect(landed.signInOutcome).toBe('Signed in')
      expect(landed.session?.email).toBe(user.email)
      const pageCookie = (await context.cookies()).find(
        (c) => c.name === SESSION_COOKIE && c.partitionKey === 'https://other.test',
      )
      expect(pageCookie).toMatchObject({ domain: 'auth.service.test', sameSite: 'None', secure: true })

      const reloaded = await driver.reload()
      expect(reloaded.session?.email).toBe(user.email)
      expect(reloaded.diagnosis).toMatchObject({ status: 'valid', credential: 'cookie' })
      await driver.screenshot('oidc-signed-in')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('denied consent lands on the page with OAUTH_ACCESS_DENIED', async () => {
    const user = idp.addUser({ email: uniqueEmail('denied'), emailVerified: true, name: 'Denied' })
    const context = await scenario.browser.newContext({ viewport: { width: 1100, height: 700 } })
    try {
      const page = await context.newPage()
      await page.goto(`${scenario.frontend.origin}/`)
      const driver = drive(page)
      await driver.ready()
      await page.getByRole('link', { name: 'Sign in with OIDC' }).click()
      await page.waitForURL(`${idp.issuer}/interaction/**`)
      await page.locator('select[name=user]').selectOption(user.id)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${idp.issuer}/interaction/**`)
      await page.getByRole('button', { name: 'Deny' }).click()

      await page.waitForURL(`${scenario.frontend.origin}/sign-in-failed`)
      const state = await driver.ready()
      expect(state).toMatchObject({
        handoff: 'failed: SIGN_IN_FAILED',
        signInOutcome: 'Sign-in failed: OAUTH_ACCESS_DENIED',
        session: null,
      })
      await driver.screenshot('oidc-denied')
    } finally {
      await context.close()
    }
  })
})
