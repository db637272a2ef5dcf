/**
 * Same-site subdomains over HTTPS: the page at https://docs.site.test signs in against the
 * service at https://auth.site.test (one site, two origins). The service derives same-site
 * mode: SameSite=Lax, Domain=site.test, not partitioned; the session survives a reload.
 * PGlite backend only (see harness.ts).
 */
import { expect, it } from 'vitest'
import { parseSetCookie } from '../../src/http/cookies.ts'
import { describeBrowser } from '../support/browser.ts'
import { FULL_HEALTH, uniqueEmail } from '../support/service.ts'
import { openPage, SESSION_COOKIE, useBrowserScenario } from './harness.ts'

describeBrowser('same-site subdomains over HTTPS (docs.site.test -> auth.site.test)', () => {
  const scenario = useBrowserScenario({
    mode: 'same-site',
    pageHost: 'docs.site.test',
    serviceHost: 'auth.site.test',
    bindings: { COOKIE_DOMAIN: 'site.test' },
  })

  it('reports same-site mode in /health/auth', async () => {
    const response = await scenario.service.request('/health/auth', FULL_HEALTH)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      cookies: {
        mode: 'same-site',
        name: SESSION_COOKIE,
        attributes: { sameSite: 'Lax', secure: true, partitioned: false, domain: 'site.test' },
      },
    })
  })

  it('signs up from the page with a SameSite=Lax cookie for site.test, and the session survives a reload', async () => {
    const { context, driver, errors } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
    try {
      expect(await driver.getSession()).toBeNull()
      const email = uniqueEmail('same-site')
      const { result, setCookies } = await driver.setCookiesOf('/api/auth/sign-up/email', () => driver.signUp(email))
      expect(result).toMatchObject({ ok: true, status: 200, email })

      const session = parseSetCookie(setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? '')
      expect(session.name).toBe(SESSION_COOKIE)
      expect(session.attributes.get('samesite')).toBe('Lax')
      expect(session.attributes.get('domain')).toBe('site.test')
      expect(session.attributes.has('secure')).toBe(true)
      expect(session.attributes.has('httponly')).toBe(true)
      expect(session.attributes.has('partitioned')).toBe(false)

      // The browser kept it as an ordinary (unpartitioned) cookie for the whole site.
      const stored = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)
      expect(stored).toMatchObject({ domain: '.site.test', sameSite: 'Lax', secure: true, httpOnly: true })
      expect(stored?.partitionKey).toBeUndefined()

      const afterReload = await driver.reload()
      expect(afterReload.session?.email).toBe(email)
      expect(afterReload.diagnosis).toMatchObject({ status: 'valid', credential: 'cookie', causes: [] })
      expect(await driver.getSession()).toMatchObject({ email })
      expect(await driver.page.locator('body').getAttribute('data-session')).toBe('present')
      await driver.screenshot('same-site')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
