/**
 * The bug this service exists to end, reproduced and named: COOKIE_MODE=same-site forced on a
 * deployment whose frontend is on another site. Sign-in answers 200, but its SameSite=Lax cookie
 * never comes back on the page's cross-site fetches, so get-session after a reload is null, and
 * `/health/session` called from the page says `no_credentials` with cause `cross_site_lax_cookie`.
 * PGlite backend only (see harness.ts).
 */
import { expect, it } from 'vitest'
import { parseSetCookie } from '../../src/http/cookies.ts'
import { describeBrowser } from '../support/browser.ts'
import { uniqueEmail } from '../support/service.ts'
import { openPage, SESSION_COOKIE, useBrowserScenario } from './harness.ts'

describeBrowser('COOKIE_MODE=same-site with a cross-site frontend (docs.other.test -> auth.service.test)', () => {
  const scenario = useBrowserScenario({
    mode: 'lax-misconfiguration',
    pageHost: 'docs.other.test',
    serviceHost: 'auth.service.test',
    bindings: { COOKIE_MODE: 'same-site' },
  })

  it('reports the forced same-site mode in /health/auth', async () => {
    const response = await scenario.service.request('/health/auth')
    expect(await response.json()).toMatchObject({
      cookies: { mode: 'same-site', modeSource: 'COOKIE_MODE', attributes: { sameSite: 'Lax', partitioned: false } },
    })
  })

  it('signs in with 200, yet get-session after a reload is null and /health/session names cross_site_lax_cookie', async () => {
    const email = uniqueEmail('lax')
    const signUpTab = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
    expect(await signUpTab.driver.signUp(email)).toMatchObject({ ok: true, status: 200 })
    await signUpTab.context.close()

    const { context, driver, errors } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
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
