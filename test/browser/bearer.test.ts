/**
 * Bearer: the page at http://localhost signs in against the service at http://127.0.0.1 (two
 * sites, plain HTTP on loopback) with fetches that neither send nor store cookies
 * (credentials: 'omit'). BetterAuth's client stores the `set-auth-token` response header in
 * localStorage and sends `Authorization: Bearer`; the session survives a reload.
 * PGlite backend only (see harness.ts).
 */
import { expect, it } from 'vitest'
import { describeBrowser } from '../support/browser.ts'
import { uniqueEmail } from '../support/service.ts'
import { openPage, useBrowserScenario } from './harness.ts'

describeBrowser('bearer token from set-auth-token (localhost -> 127.0.0.1)', () => {
  const scenario = useBrowserScenario({
    mode: 'bearer',
    pageHost: 'localhost',
    serviceHost: '127.0.0.1',
    https: false,
    transport: 'bearer',
  })

  it('signs up, stores set-auth-token, and keeps the session across a reload with no cookie at all', async () => {
    const { context, driver, errors } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
    try {
      expect(await driver.getSession()).toBeNull()
      const email = uniqueEmail('bearer')
      const { result, response } = await driver.setCookiesOf('/api/auth/sign-up/email', () => driver.signUp(email))
      expect(result).toMatchObject({ ok: true, status: 200, email })
      const token = await response.headerValue('set-auth-token')
      expect(token).toMatch(/^[^.]+\.[A-Za-z0-9+/]{43}=$/)
      expect(await driver.page.evaluate(() => localStorage.getItem('edge-auth:bearer'))).toBe(token)

      const afterReload = await driver.reload()
      expect(afterReload.bearerStored).toBe(true)
      expect(afterReload.session?.email).toBe(email)
      expect(afterReload.diagnosis).toMatchObject({ status: 'valid', credential: 'bearer', causes: [] })
      expect(await driver.getSession()).toMatchObject({ email })
      // credentials: 'omit' means the browser stored no cookie: the token alone carries the session.
      expect(await context.cookies()).toEqual([])
      await driver.screenshot('bearer')

      // And without the token the same page has no session.
      await driver.page.evaluate(() => localStorage.removeItem('edge-auth:bearer'))
      const withoutToken = await driver.reload()
      expect(withoutToken.session).toBeNull()
      expect(withoutToken.diagnosis).toMatchObject({ status: 'no_credentials', credential: null })
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
