/**
 * Cross-site with third-party cookies blocked: the page at https://docs.other.test signs in
 * against the service at https://auth.service.test (two sites). The service derives cross-site
 * mode: SameSite=None; Secure; Partitioned (CHIPS), which this Chromium keeps in the page's
 * partition although it blocks ordinary third-party cookies; the session survives a reload.
 * PGlite backend only (see harness.ts).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backendNamed } from '../support/backends.ts'
import { describeBrowser, launchChromium } from '../support/browser.ts'
import { startBrowserService, type BrowserService } from '../support/browser-service.ts'
import { parseSetCookie } from '../support/client.ts'
import { uniqueEmail } from '../support/service.ts'
import { makeCertificate, type TestCertificate } from '../support/tls.ts'
import { BROWSER_BACKEND, openPage, SESSION_COOKIE } from './harness.ts'
import { startPageServer, type PageServer } from './page/server.ts'

describeBrowser('cross-site with third-party cookies blocked (docs.other.test -> auth.service.test)', () => {
  let tls: TestCertificate
  let frontend: PageServer
  let service: BrowserService
  let browser: Browser

  beforeAll(async () => {
    tls = makeCertificate(['docs.other.test', 'auth.service.test', 'probe.elsewhere.test'])
    frontend = await startPageServer({ host: 'docs.other.test', tls })
    service = await startBrowserService(backendNamed(BROWSER_BACKEND), {
      host: 'auth.service.test',
      tls,
      bindings: { TRUSTED_ORIGINS: frontend.origin },
    })
    frontend.config = { mode: 'cross-site', serviceOrigin: service.origin, transport: 'cookie' }
    browser = await launchChromium({ https: true })
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await service?.stop()
    await frontend?.close()
    tls?.remove()
  })

  it('runs in a browser that blocks unpartitioned third-party cookies but keeps partitioned ones', async () => {
    const { context, driver } = await openPage(browser, `${frontend.origin}/`)
    try {
      // The probe is the page server under a third site's name.
      const probe = await driver.probeThirdPartyCookies(`https://probe.elsewhere.test:${frontend.port}`)
      expect(probe).toEqual({ unpartitionedSent: false, partitionedSent: true })
    } finally {
      await context.close()
    }
  })

  it('derives cross-site mode in /health/auth', async () => {
    const { status, body } = await service.get('/health/auth')
    expect(status).toBe(200)
    expect(body).toMatchObject({
      cookies: {
        mode: 'cross-site',
        modeSource: 'auto',
        name: SESSION_COOKIE,
        attributes: { sameSite: 'None', secure: true, partitioned: true, domain: null },
        crossSiteOrigins: [frontend.origin],
      },
    })
  })

  it('signs in from the page with a partitioned SameSite=None cookie, and the session survives a reload', async () => {
    const email = uniqueEmail('cross-site')
    const signUpTab = await openPage(browser, `${frontend.origin}/`)
    expect(await signUpTab.driver.signUp(email)).toMatchObject({ ok: true, status: 200 })
    await signUpTab.context.close()

    const { context, driver, errors } = await openPage(browser, `${frontend.origin}/`)
    try {
      expect(await driver.getSession()).toBeNull()
      const { result, setCookies } = await driver.setCookiesOf('/api/auth/sign-in/email', () => driver.signIn(email))
      expect(result).toMatchObject({ ok: true, status: 200, email })

      const session = parseSetCookie(setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? '')
      expect(session.name).toBe(SESSION_COOKIE)
      expect(session.attributes.get('samesite')).toBe('None')
      expect(session.attributes.has('secure')).toBe(true)
      expect(session.attributes.has('partitioned')).toBe(true)
      expect(session.attributes.has('domain')).toBe(false)

      // Stored for auth.service.test inside the page's top-level site's partition.
      const stored = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)
      expect(stored).toMatchObject({ domain: 'auth.service.test', sameSite: 'None', secure: true, partitionKey: 'https://other.test' })

      const afterReload = await driver.reload()
      expect(afterReload.session?.email).toBe(email)
      expect(afterReload.diagnosis).toMatchObject({ status: 'valid', credential: 'cookie', causes: [] })
      expect(await driver.getSession()).toMatchObject({ email })
      await driver.screenshot('cross-site')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
