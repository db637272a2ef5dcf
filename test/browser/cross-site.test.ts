/**
 * Cross-site with third-party cookies blocked: the page at https://docs.other.test signs in
 * against the service at https://auth.service.test (two sites). The service derives cross-site
 * mode: SameSite=None; Secure; Partitioned (CHIPS), which this Chromium keeps in the page's
 * partition although it blocks ordinary third-party cookies; the session survives a reload.
 * PGlite backend only (see harness.ts).
 */
import { expect, it } from 'vitest'
import { parseSetCookie } from '../../src/http/cookies.ts'
import { describeBrowser } from '../support/browser.ts'
import { FULL_HEALTH, uniqueEmail } from '../support/service.ts'
import { openPage, SESSION_COOKIE, useBrowserScenario } from './harness.ts'

describeBrowser('cross-site with third-party cookies blocked (docs.other.test -> auth.service.test)', () => {
  const scenario = useBrowserScenario({
    mode: 'cross-site',
    pageHost: 'docs.other.test',
    serviceHost: 'auth.service.test',
    moreCertificateHosts: ['probe.elsewhere.test'],
  })

  it('runs in a browser that blocks unpartitioned third-party cookies but keeps partitioned ones', async () => {
    const { context, driver } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
    try {
      // The probe is the page server under a third site's name.
      const probe = await driver.probeThirdPartyCookies(`https://probe.elsewhere.test:${scenario.frontend.port}`)
      expect(probe).toEqual({ unpartitionedSent: false, partitionedSent: true })
    } finally {
      await context.close()
    }
  })

  it('derives cross-site mode in /health/auth', async () => {
    const response = await scenario.service.request('/health/auth', FULL_HEALTH)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      cookies: {
        mode: 'cross-site',
        modeSource: 'auto',
        name: SESSION_COOKIE,
        attributes: { sameSite: 'None', secure: true, partitioned: true, domain: null },
        crossSiteOrigins: [scenario.frontend.origin],
      },
    })
  })

  it('signs in from the page with a partitioned SameSite=None cookie, and the session survives a reload', async () => {
    const email = uniqueEmail('cross-site')
    const signUpTab = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
    expect(await signUpTab.driver.signUp(email)).toMatchObject({ ok: true, status: 200 })
    await signUpTab.context.close()

    const { context, driver, errors } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
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
      expect(stored).toMatchObject({
        domain: 'auth.service.test',
        sameSite: 'None',
        secure: true,
        partitionKey: 'https://other.test',
      })

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
