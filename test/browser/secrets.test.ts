/**
 * Secrets, seen from a cross-site page with a partitioned session cookie (docs.other.test ->
 * auth.service.test) while the service restarts (a new Worker, same database, same origin):
 * - a different secret: get-session is null and `/health/session` says `bad_signature`;
 * - the old secret rotated behind a new one (BETTER_AUTH_SECRETS="2:<new>,1:<old>"): the session
 *   stays valid, the cookie is re-issued signed with the new secret (still partitioned, so the
 *   browser keeps it), and a later restart with only the new secret keeps the session.
 * PGlite backend only (see harness.ts).
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeEach, expect, it } from 'vitest'
import { parseSetCookie } from '../../src/http/cookies.ts'
import { describeBrowser } from '../support/browser.ts'
import { uniqueEmail } from '../support/service.ts'
import { openPage, SESSION_COOKIE, useBrowserScenario } from './harness.ts'

const OLD_SECRET = randomBytes(32).toString('base64url')
const NEW_SECRET = randomBytes(32).toString('base64url')
const OTHER_SECRET = randomBytes(32).toString('base64url')

/** Which of the secrets signed a cookie value (`token.base64(HMAC-SHA256(token))`, URI-encoded). */
function signerOf(cookieValue: string): { token: string; secret: 'old' | 'new' | 'other' | 'none' } {
  const value = decodeURIComponent(cookieValue)
  const dot = value.lastIndexOf('.')
  const token = value.slice(0, dot)
  const signature = value.slice(dot + 1)
  const sign = (secret: string) => createHmac('sha256', secret).update(token).digest('base64')
  const secret =
    signature === sign(OLD_SECRET)
      ? 'old'
      : signature === sign(NEW_SECRET)
        ? 'new'
        : signature === sign(OTHER_SECRET)
          ? 'other'
          : 'none'
  return { token, secret }
}

describeBrowser('secrets across Worker restarts, seen from a cross-site page', () => {
  const scenario = useBrowserScenario({
    mode: 'secrets',
    pageHost: 'docs.other.test',
    serviceHost: 'auth.service.test',
    bindings: { BETTER_AUTH_SECRET: OLD_SECRET },
  })
  let context: BrowserContext | undefined

  const sessionCookie = async () =>
    (await context!.cookies()).find((c) => c.name === SESSION_COOKIE && c.partitionKey === 'https://other.test')

  beforeEach(async () => {
    // Every test starts from a Worker that knows only the old secret (the scenario's own bindings).
    const { service } = scenario
    if (service.bindings.BETTER_AUTH_SECRET !== OLD_SECRET || service.bindings.BETTER_AUTH_SECRETS !== undefined) {
      await service.restart()
    }
  })

  // Registered after the scenario's, so it runs first (afterAll hooks run in reverse): the page's context closes before the browser.
  afterAll(async () => {
    await context?.close()
  })

  async function signedInPage(label: string) {
    await context?.close()
    const { frontend } = scenario
    frontend.config = { ...frontend.config, mode: label }
    const opened = await openPage(scenario.browser, `${frontend.origin}/`)
    context = opened.context
    const email = uniqueEmail(label)
    expect(await opened.driver.signUp(email)).toMatchObject({ ok: true, status: 200 })
    const before = await opened.driver.reload()
    expect(before.session?.email).toBe(email)
    expect(before.diagnosis).toMatchObject({ status: 'valid', signedWith: { version: null, current: true } })
    const cookie = await sessionCookie()
    expect(signerOf(cookie!.value).secret).toBe('old')
    return { ...opened, email, token: signerOf(cookie!.value).token }
  }

  it('names a changed secret: get-session is null and /health/session says bad_signature', async () => {
    const { driver, errors } = await signedInPage('bad-signature')

    await scenario.service.restart({ BETTER_AUTH_SECRET: OTHER_SECRET })
    const afterReload = await driver.reload()
    expect(afterReload).toMatchObject({ session: null, sessionError: null })
    expect(await driver.getSession()).toBeNull()
    // The cookie is still there and still sent; it is the signature that fails.
    expect(signerOf((await sessionCookie())!.value).secret).toBe('old')
    const diagnosis = await driver.diagnose()
    expect(diagnosis).toMatchObject({ status: 'bad_signature', credential: 'cookie' })
    expect(diagnosis.causes.map((c) => c.code)).toEqual(['unknown_secret'])
    expect(diagnosis.causes[0]!.fix).toContain('BETTER_AUTH_SECRETS')
    await driver.screenshot('bad-signature')
    expect(errors).toEqual([])
  })

  it('keeps the session through a rotation, re-issues the cookie signed with the new secret, and survives dropping the old one', async () => {
    const { driver, email, token, errors } = await signedInPage('rotation')

    await scenario.service.restart({
      BETTER_AUTH_SECRET: undefined,
      BETTER_AUTH_SECRETS: `2:${NEW_SECRET},1:${OLD_SECRET}`,
    })
    const { result: afterRotation, setCookies } = await driver.setCookiesOf('/api/auth/get-session', () =>
      driver.reload(),
    )
    expect(afterRotation.session?.email).toBe(email)

    // get-session answered with the same session token, re-signed with the new secret...
    const reissued = parseSetCookie(setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? '')
    expect(reissued.name).toBe(SESSION_COOKIE)
    expect(signerOf(reissued.value)).toEqual({ token, secret: 'new' })
    expect(reissued.attributes.get('samesite')).toBe('None')
    expect(reissued.attributes.has('secure')).toBe(true)
    expect(reissued.attributes.has('partitioned')).toBe(true)
    expect(reissued.attributes.has('httponly')).toBe(true)
    expect(Number(reissued.attributes.get('max-age'))).toBeGreaterThan(0)
    // ...which the browser stored in the page's partition, replacing the old one.
    expect(signerOf((await sessionCookie())!.value)).toEqual({ token, secret: 'new' })
    expect(afterRotation.diagnosis).toMatchObject({
      status: 'valid',
      credential: 'cookie',
      signedWith: { version: 2, current: true },
    })
    await driver.screenshot('rotation')

    // The old secret can now go: the session still holds.
    await scenario.service.restart({ BETTER_AUTH_SECRET: undefined, BETTER_AUTH_SECRETS: `2:${NEW_SECRET}` })
    const afterRetirement = await driver.reload()
    expect(afterRetirement.session?.email).toBe(email)
    expect(afterRetirement.diagnosis).toMatchObject({ status: 'valid', signedWith: { version: 2, current: true } })
    expect(errors).toEqual([])
  })
})
