/**
 * The bearer fallback: the page at http://localhost signs in against the service at
 * http://127.0.0.1 (two sites, plain HTTP on loopback) through `edge-auth/client`, which keeps the
 * `set-auth-token` response header in `sessionStorage` (never `localStorage`). With every cookie
 * gone, the session survives a reload on the token alone (`Authorization: Bearer`), and
 * `/health/session` says so; without the token the page has no session.
 * PGlite backend only (see harness.ts).
 */
import { expect, it } from 'vitest'
import { describeBrowser } from '../support/browser.ts'
import { uniqueEmail } from '../support/service.ts'
import { openPage, useBrowserScenario } from './harness.ts'

describeBrowser('bearer fallback from set-auth-token (localhost -> 127.0.0.1)', () => {
  const scenario = useBrowserScenario({
    mode: 'bearer',
    pageHost: 'localhost',
    serviceHost: '127.0.0.1',
    https: false,
  })

  it('signs up, keeps set-auth-token in sessionStorage, and keeps the session across a reload with no cookie at all', async () => {
    const { context, driver, errors } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
    const tokenKey = `edge-auth:bearer:${scenario.service.url}`
    try {
      expect(await driver.getSession()).toBeNull()
      const email = uniqueEmail('bearer')
      const { result, response } = await driver.setCookiesOf('/api/auth/sign-up/email', () => driver.signUp(email))
      expect(result).toMatchObject({ ok: true, status: 200, email })
      const token = await response.headerValue('set-auth-token')
      expect(token).toMatch(/^[^.]+\.[A-Za-z0-9+/]{43}=$/)
      const storage = () =>
        driver.page.evaluate((key) => ({ session: sessionStorage.getItem(key), local: localStorage.length }), tokenKey)
      expect(await storage()).toEqual({ session: token, local: 0 })

      // Only the token can carry the session now.
      await context.clearCookies()
      const afterReload = await driver.reload()
      expect(afterReload.bearerStored).toBe(true)
      expect(afterReload.session?.email).toBe(email)
      expect(afterReload.diagnosis).toMatchObject({ status: 'valid', credential: 'bearer', causes: [] })
      expect(await driver.getSession()).toMatchObject({ email })
      expect(await context.cookies()).toEqual([])
      expect(await storage()).toEqual({ session: token, local: 0 })
      await driver.screenshot('bearer')

      // And without the token the same page has no session.
      await driver.page.evaluate((key) => sessionStorage.removeItem(key), tokenKey)
      const withoutToken = await driver.reload()
      expect(withoutToken).toMatchObject({ session: null, sessionError: null, bearerStored: false })
      expect(withoutToken.diagnosis).toMatchObject({ status: 'no_credentials', credential: null })
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
