/**
 * A page whose origin is missing from TRUSTED_ORIGINS (docs.other.test -> auth.service.test, which
 * trusts only https://other.test). The browser refuses the service's answers to the page's
 * credentialed fetches, so sign-in and get-session fail there; `diagnose()` still learns why,
 * because `/health/session` answers any origin without credentials, naming `origin_not_trusted`
 * and nothing about any session. PGlite backend only (see harness.ts).
 */
import { expect, it } from 'vitest'
import { describeBrowser } from '../support/browser.ts'
import { uniqueEmail } from '../support/service.ts'
import { openPage, useBrowserScenario } from './harness.ts'

describeBrowser('a page on an untrusted origin (docs.other.test -> auth.service.test)', () => {
  const scenario = useBrowserScenario({
    mode: 'untrusted-origin',
    pageHost: 'docs.other.test',
    serviceHost: 'auth.service.test',
    bindings: { TRUSTED_ORIGINS: 'https://other.test' },
  })

  it('starts up without hanging, is refused sign-up, and diagnose() names origin_not_trusted', async () => {
    const { context, driver, errors } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
    try {
      // The page's start-up settled: get-session failed and was recorded, and the diagnosis came back.
      const started = await driver.ready()
      expect(started).toMatchObject({ session: null, sessionChecked: true, sessionError: expect.any(String) })
      expect(started.diagnosis?.causes.map((c) => c.code)).toEqual(['origin_not_trusted'])

      const signUp = await driver.signUp(uniqueEmail('untrusted'))
      expect(signUp).toMatchObject({ ok: false, email: null })
      await expect(driver.getSession()).rejects.toThrow(/get-session failed in the page/)

      const diagnosis = await driver.diagnose()
      expect(diagnosis).toMatchObject({ status: 'no_credentials', credential: null })
      expect(diagnosis.causes.map((c) => c.code)).toEqual(['origin_not_trusted'])
      expect(diagnosis.causes[0]!.message).toContain(scenario.frontend.origin)
      expect(diagnosis.causes[0]!.fix).toBe(`Add ${scenario.frontend.origin} to TRUSTED_ORIGINS.`)
      expect(diagnosis).not.toHaveProperty('session')
      expect(diagnosis).not.toHaveProperty('signedWith')
      expect(await driver.page.locator('body').getAttribute('data-session')).toBe('null')
      await driver.screenshot('untrusted-origin')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
