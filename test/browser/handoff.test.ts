/**
 * Redirect hand-off: the browser signs in on the service's own origin (top-level, as after an
 * OAuth callback), so the cookie lands in the service's partition where the frontend cannot
 * see it. `GET /auth/handoff?callbackURL=<page>` sends it to the page with `?ott=`, the page
 * exchanges that by fetch for its own partitioned cookie, and the session survives a reload.
 * Without a session it sends `?auth_error=no_session`, which the page's client reports as
 * `HANDOFF_NO_SESSION`. An untrusted callbackURL is refused with 400. PGlite backend only (see harness.ts).
 */
import { expect, it } from 'vitest'
import { describeBrowser } from '../support/browser.ts'
import { uniqueEmail } from '../support/service.ts'
import { drive, PASSWORD, SESSION_COOKIE, useBrowserScenario } from './harness.ts'

describeBrowser('redirect hand-off (auth.service.test top-level -> docs.other.test)', () => {
  const scenario = useBrowserScenario({
    mode: 'handoff',
    pageHost: 'docs.other.test',
    serviceHost: 'auth.service.test',
  })

  it('signs in on the service origin, hands off with ?ott=, and the page keeps the session across a reload', async () => {
    const context = await scenario.browser.newContext({ viewport: { width: 1100, height: 700 } })
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))

      // 1. Top-level on the service's own origin: a same-origin sign-up.
      await page.goto(`${scenario.service.url}/health`)
      const email = uniqueEmail('handoff')
      const signUp = await page.evaluate(
        async ([e, p]) => {
          const response = await fetch('/api/auth/sign-up/email', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: e, password: p, name: 'Hand-off Test' }),
          })
          return { status: response.status, body: (await response.json()) as { user?: { email: string } } }
        },
        [email, PASSWORD],
      )
      expect(signUp).toMatchObject({ status: 200, body: { user: { email } } })
      const serviceCookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)
      expect(serviceCookie?.partitionKey).toBe('https://service.test')

      // 2. That cookie lives in the service's partition: the page on the other site does not see it.
      await page.goto(`${scenario.frontend.origin}/`)
      const before = await drive(page).ready()
      expect(before).toMatchObject({ session: null, sessionError: null })
      expect(before.diagnosis).toMatchObject({
        status: 'no_credentials',
        causes: [{ code: 'cross_site_cookie_not_sent' }],
      })

      // 3. The hand-off: top-level to the service, 302 to the page with ?ott=, exchanged by the page.
      const callbackURL = `${scenario.frontend.origin}/signed-in?from=handoff`
      const landed = await page.goto(
        `${scenario.service.url}/auth/handoff?callbackURL=${encodeURIComponent(callbackURL)}`,
      )
      const redirect = landed?.request().redirectedFrom()
      expect((await redirect?.response())?.status()).toBe(302)
      const landedUrl = new URL(landed!.url())
      expect(landedUrl.origin + landedUrl.pathname).toBe(`${scenario.frontend.origin}/signed-in`)
      expect(landedUrl.searchParams.get('ott')).toMatch(/.{16,}/)
      const driver = drive(page)
      const exchanged = await driver.ready()
      expect(exchanged.handoff).toBe('exchanged')
      expect(exchanged.session?.email).toBe(email)
      // The page removed the single-use token from its URL.
      expect(new URL(page.url()).searchParams.has('ott')).toBe(false)
      const pageCookie = (await context.cookies()).find(
        (c) => c.name === SESSION_COOKIE && c.partitionKey === 'https://other.test',
      )
      expect(pageCookie).toMatchObject({ domain: 'auth.service.test', sameSite: 'None', secure: true })

      // 4. Reload: the page's own partitioned cookie carries the session.
      const afterReload = await driver.reload()
      expect(afterReload.session?.email).toBe(email)
      expect(afterReload.diagnosis).toMatchObject({ status: 'valid', credential: 'cookie' })
      expect(await driver.getSession()).toMatchObject({ email })
      await driver.screenshot('handoff')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('without a session on the service, hands off ?auth_error=no_session, which the page reports as HANDOFF_NO_SESSION', async () => {
    const context = await scenario.browser.newContext({ viewport: { width: 1100, height: 700 } })
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      const callbackURL = `${scenario.frontend.origin}/signed-in?from=handoff`
      const landed = await page.goto(
        `${scenario.service.url}/auth/handoff?callbackURL=${encodeURIComponent(callbackURL)}`,
      )
      expect((await landed?.request().redirectedFrom()?.response())?.status()).toBe(302)
      expect(new URL(landed!.url()).searchParams.get('auth_error')).toBe('no_session')
      const driver = drive(page)
      const state = await driver.ready()
      expect(state).toMatchObject({ handoff: 'failed: HANDOFF_NO_SESSION', session: null, sessionError: null })
      // The page removed the parameter from its URL, and kept the rest.
      expect(page.url()).toBe(callbackURL)
      await driver.screenshot('handoff-no-session')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('answers an untrusted callbackURL with 400 and no redirect, even for a signed-in browser', async () => {
    const context = await scenario.browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${scenario.service.url}/health`)
      const email = uniqueEmail('handoff-untrusted')
      const status = await page.evaluate(
        async ([e, p]) =>
          (
            await fetch('/api/auth/sign-up/email', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email: e, password: p, name: 'Hand-off Test' }),
            })
          ).status,
        [email, PASSWORD],
      )
      expect(status).toBe(200)

      const response = await page.goto(
        `${scenario.service.url}/auth/handoff?callbackURL=${encodeURIComponent('https://evil.test/steal')}`,
      )
      expect(response?.status()).toBe(400)
      expect(response?.request().redirectedFrom()).toBeNull()
      expect(await response?.json()).toMatchObject({ code: 'UNTRUSTED_CALLBACK_URL' })
      expect(page.url()).toContain(`${scenario.service.url}/auth/handoff`)
    } finally {
      await context.close()
    }
  })
})
