/**
 * The bug this service exists to end, reproduced and named: COOKIE_MODE=same-site forced on a
 * deployment whose frontend is on another site. Sign-in answers 200, but its SameSite=Lax cookie
 * never comes back on the page's cross-site fetches, so get-session after a reload is null, and
 * `/health/session` called from the page says `no_credentials` with cause `cross_site_lax_cookie`.
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

describeBrowser('COOKIE_MODE=same-site with a cross-site frontend (docs.other.test -> auth.service.test)', () => {
  let tls: TestCertificate
  let frontend: PageServer
  let service: BrowserService
  let browser: Browser

  beforeAll(async () => {
    tls = makeCertificate(['docs.other.test', 'auth.service.test'])
    frontend = await startPageServer({ host: 'docs.other.test', tls })
    service = await startBrowserService(backendNamed(BROWSER_BACKEND), {
      host: 'auth.service.test',
      tls,
      bindings: { TRUSTED_ORIGINS: frontend.origin, COOKIE_MODE: 'same-site' },
    })
    frontend.config = { mode: 'lax-misconfiguration', serviceOrigin: service.origin, transport: 'cookie' }
    browser = await launchChromium({ https: true })
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await service?.stop()
    await frontend?.close()
    tls?.remove()
  })

  it('reports the forced same-site mode in /health/auth', async () => {
    const { body } = await service.get('/health/auth')
    expect(body).toMatchObject({ cookies: { mode: 'same-site', modeSource: 'COOKIE_MODE', attributes: { sameSite: 'Lax', partitioned: false } } })
  })

  it('signs in with 200, yet get-session after a reload is null and /health/session names cross_site_lax_cookie', async () => {
    const email = uniqueEmail('lax')
    const signUpTab = await openPage(browser, `${frontend.origin}/`)
    expect(await signUpTab.driver.signUp(email)).toMatchObject({ ok: true, status: 200 })
    await signUpTab.context.close()

    const { context, driver, errors } = await openPage(browser, `${frontend.origin}/`)
    try {
      const { result, setCookies } = await driver.setCookiesOf('/api/auth/sign-in/email', () => driver.signIn(email))
      expect(result).toMatchObject({ ok: true, status: 200, email })
      const session = parseSetCookie(setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? '')
      expect(session.attributes.get('samesite')).toBe('Lax')
      expect(session.attributes.has('partitioned')).toBe(false)
      // The browser refused the Lax cookie from a cross-site response: nothing was stored.
      expect((await context.cookies()).map((c) => c.name)).not.toContain(SESSION_COOKIE)

      const afterReload = await driver.reload()
      expect(afterReload.session).toBeNull()
      expect(await driver.getSession()).toBeNull()
      const diagnosis = await driver.diagnose()
      expect(diagnosis).toMatchObject({ httpStatus: 200, status: 'no_credentials', credential: null })
      expect(diagnosis.causes.map((c) => c.code)).toEqual(['cross_site_lax_cookie'])
      expect(diagnosis.causes[0]!.fix).toContain('COOKIE_MODE')
      expect(await driver.page.locator('body').getAttribute('data-session')).toBe('null')
      await driver.screenshot('lax-misconfiguration')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
