/**
 * The bug this service exists to end, reproduced and named: COOKIE_MODE=same-site forced on a
 * deployment whose frontend is on another site. Sign-in answers 200, but its SameSite=Lax cookie
 * is never stored, so it never comes back on the page's cross-site fetches. `edge-auth/client`
 * hides that in the tab that signed in (its bearer fallback from `set-auth-token`, kept in that
 * tab's `sessionStorage`); any other tab has only the cookie, so get-session there is null and
 * `/health/session` says `no_credentials` with cause `cross_site_lax_cookie`.
 * PGlite backend only (see harness.ts).
 */
import { expect, it } from 'vitest'
import { parseSetCookie } from '../../src/http/cookies.ts'
import { describeBrowser } from '../support/browser.ts'
import { FULL_HEALTH, uniqueEmail } from '../support/service.ts'
import { drive, openPage, SESSION_COOKIE, useBrowserScenario } from './harness.ts'

describeBrowser('COOKIE_MODE=same-site with a cross-site frontend (docs.other.test -> auth.service.test)', () => {
  const scenario = useBrowserScenario({
    mode: 'lax-misconfiguration',
    pageHost: 'docs.other.test',
    serviceHost: 'auth.service.test',
    bindings: { COOKIE_MODE: 'same-site' },
  })

  it('reports the forced same-site mode in /health/auth', async () => {
    const response = await scenario.service.request('/health/auth', FULL_HEALTH)
    expect(await response.json()).toMatchObject({
      cookies: { mode: 'same-site', modeSource: 'COOKIE_MODE', attributes: { sameSite: 'Lax', partitioned: false } },
    })
  })

  it('signs in with 200, yet a new tab has no session and /health/session names cross_site_lax_cookie', async () => {
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

      // This tab keeps the session only through the bearer fallback, which masks the cookie's failure.
      const afterReload = await driver.reload()
      expect(afterReload.session?.email).toBe(email)
      expect(afterReload.diagnosis).toMatchObject({ status: 'valid', credential: 'bearer' })

      // Another tab of the same browser has what the cookie gives it: nothing.
      const tab = drive(await context.newPage())
      tab.page.on('pageerror', (error) => errors.push(error.message))
      await tab.page.goto(`${scenario.frontend.origin}/`)
      const newTab = await tab.ready()
      expect(newTab).toMatchObject({ session: null, sessionError: null, bearerStored: false })
      expect(await tab.getSession()).toBeNull()
      const diagnosis = await tab.diagnose()
      expect(diagnosis).toMatchObject({ status: 'no_credentials', credential: null })
      expect(diagnosis.causes.map((c) => c.code)).toEqual(['cross_site_lax_cookie'])
      expect(diagnosis.causes[0]!.fix).toContain('COOKIE_MODE')
      expect(await tab.page.locator('body').getAttribute('data-session')).toBe('null')
      await tab.screenshot('lax-misconfiguration')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
