/**
 * Mail-driven flows in-process, with real mail through a real maildev, on PGlite (the mail
 * budget, a limit, on every backend):
 * verification required (sign-up sends a link and creates no session, an unverified sign-in is
 * refused with a fresh link, the link signs the user in), sign-up with an existing email answering
 * like a new one, password reset, and sign-in by emailed code.
 */
import { describe, expect, it, vi } from 'vitest'
import { backendNames, embeddedBackendNames, queryEndpoint } from '../support/backends.ts'
import { pathOf, useMailService } from '../support/mail-service.ts'
import { codeIn, linkIn } from '../support/maildev.ts'
import { uniqueEmail } from '../support/service.ts'

// Each flow hashes several passwords (about 0.5-0.9 s each on two shared cores) and waits for mail.
vi.setConfig({ testTimeout: 60_000 })

const FRONTEND = 'http://localhost:3000'
const SERVICE = 'http://localhost:8787'

function sessionCookieSet(response: Response): boolean {
  return response.headers.getSetCookie().some((line) => /session_token=[^;]+/.test(line))
}

describe.each(embeddedBackendNames)('mail flows on %s', (backendName) => {
  const running = useMailService(backendName, {}, { target: 'in-process' })

  describe('email verification (required: the default with a transport)', () => {
    it('sign-up sends a link and no session; sign-in before it is 403 with a fresh link; the link signs in', async () => {
      const { service, inbox } = running
      const email = uniqueEmail()
      const tab = service.client()
      const signUp = await tab.request('/api/auth/sign-up/email', {
        json: { email, password: 'correct horse battery', name: 'Ada', callbackURL: `${FRONTEND}/welcome` },
      })
      expect(signUp.status).toBe(200)
      expect(await signUp.json()).toMatchObject({ token: null, user: { email, emailVerified: false } })
      expect(sessionCookieSet(signUp)).toBe(false)

      const first = await inbox.next(email)
      expect(first.subject).toBe('Confirm your email for Docs')
      expect(first.from[0]).toMatchObject({ address: 'auth@example.com', name: 'Docs' })
      expect(first.text).toContain('expires in 1 hour')
      expect(first.html).toContain('expires in 1 hour')
      expect(first.html).not.toMatch(/<img|utm_/i)

      const refused = await tab.signIn(email)
      expect(refused.status).toBe(403)
      expect(await refused.json()).toMatchObject({ code: 'EMAIL_NOT_VERIFIED' })
      await inbox.next(email, { count: 2 })

      const link = linkIn(first, `${SERVICE}/api/auth/verify-email?`)
      // Same site (localhost:3000 and localhost:8787): the link leads straight to the frontend.
      expect(new URL(link).searchParams.get('callbackURL')).toBe(`${FRONTEND}/welcome`)
      const verified = await tab.request(pathOf(link))
      expect(verified.status).toBe(302)
      expect(verified.headers.get('location')).toBe(`${FRONTEND}/welcome`)
      expect(sessionCookieSet(verified)).toBe(true)
      expect((await tab.session())?.user.email).toBe(email)
      expect((await tab.signIn(email)).status).toBe(200)
    })

    it('a used or forged link lands on the callback with the error and no session', async () => {
      const { service, inbox } = running
      const email = uniqueEmail()
      const tab = service.client()
      await tab.request('/api/auth/sign-up/email', {
        json: { email, password: 'correct horse battery', name: 'Ada', callbackURL: `${FRONTEND}/welcome` },
      })
      const link = new URL(linkIn(await inbox.next(email), `${SERVICE}/api/auth/verify-email?`))
      link.searchParams.set('token', `${link.searchParams.get('token')}x`)
      const forged = await service.client().request(pathOf(link.toString()))
      expect(forged.status).toBe(302)
      expect(forged.headers.get('location')).toBe(`${FRONTEND}/welcome?error=INVALID_TOKEN`)
      expect(sessionCookieSet(forged)).toBe(false)
    })
  })

  describe('sign-up with an existing email', () => {
    it('answers exactly like a new sign-up and mails the owner a notice', async () => {
      const { service, inbox } = running
      const owner = uniqueEmail('owner')
      await service.client().signUp(owner)
      await inbox.next(owner)

      const again = await service.client().signUp(owner, 'another password 2', 'Mallory')
      const fresh = await service.client().signUp(uniqueEmail('fresh'), 'another password 2', 'Mallory')
      expect(again.status).toBe(fresh.status)
      const [againBody, freshBody] = [await again.json(), await fresh.json()]
      expect(shapeOf(againBody)).toEqual(shapeOf(freshBody))
      expect(againBody).toMatchObject({ token: null, user: { email: owner, emailVerified: false, name: 'Mallory' } })
      expect(sessionCookieSet(again)).toBe(false)
      expect(sessionCookieSet(fresh)).toBe(false)
      expect([...again.headers.keys()].sort()).toEqual([...fresh.headers.keys()].sort())

      const notice = await inbox.next(owner, { count: 2 })
      expect(notice.subject).toBe('Someone tried to sign up to Docs with your address')
      expect(notice.text).toContain('reset your password')
    })
  })

  describe('password reset', () => {
    it('answers alike for known and unknown emails; the link leads to redirectTo with a single-use token that signs everyone out', async () => {
      const { service, inbox } = running
      const email = uniqueEmail()
      const tab = service.client()
      await tab.signUp(email)
      await tab.request(pathOf(linkIn(await inbox.next(email), `${SERVICE}/api/auth/verify-email?`)))
      const elsewhere = service.client()
      expect((await elsewhere.signIn(email)).status).toBe(200)

      const ask = (address: string) =>
        service.client().request('/api/auth/request-password-reset', {
          json: { email: address, redirectTo: `${FRONTEND}/reset` },
        })
      const known = await ask(email)
      const unknown = await ask(uniqueEmail('nobody'))
      expect(known.status).toBe(200)
      expect(unknown.status).toBe(200)
      expect(await known.json()).toEqual(await unknown.json())

      const mail = await inbox.next(email, { count: 2 })
      expect(mail.subject).toBe('Reset your Docs password')
      expect(mail.text).toContain('expires in 1 hour')
      const landing = await service.client().request(pathOf(linkIn(mail, `${SERVICE}/api/auth/reset-password/`)))
      expect(landing.status).toBe(302)
      const location = new URL(landing.headers.get('location')!)
      expect(`${location.origin}${location.pathname}`).toBe(`${FRONTEND}/reset`)
      const token = location.searchParams.get('token')!

      const reset = await service
        .client()
        .request('/api/auth/reset-password', { json: { token, newPassword: 'a brand new password' } })
      expect(reset.status).toBe(200)
      // Revoked in the database; each device's session cache lapses within SESSION_CACHE_TTL (README).
      elsewhere.forgetSessionCache()
      tab.forgetSessionCache()
      expect(await elsewhere.session()).toBeNull()
      expect(await tab.session()).toBeNull()
      expect((await service.client().signIn(email)).status).toBe(401)
      expect((await service.client().signIn(email, 'a brand new password')).status).toBe(200)

      const reused = await service
        .client()
        .request('/api/auth/reset-password', { json: { token, newPassword: 'yet another password' } })
      expect(reused.status).toBe(400)
      expect(await reused.json()).toMatchObject({ code: 'INVALID_TOKEN' })
    })

    it('refuses a redirectTo on an untrusted origin', async () => {
      const response = await running.service.client().request('/api/auth/request-password-reset', {
        json: { email: uniqueEmail(), redirectTo: 'https://evil.example.net/reset' },
      })
      expect(response.status).toBe(403)
    })
  })

  describe('sign-in by emailed code', () => {
    const sendCode = (email: string) =>
      running.service
        .client()
        .request('/api/auth/email-otp/send-verification-otp', { json: { email, type: 'sign-in' } })

    it('a 6-digit code signs in by fetch; three wrong tries invalidate it', async () => {
      const { service, inbox } = running
      const email = uniqueEmail()
      expect((await sendCode(email)).status).toBe(200)
      const mail = await inbox.next(email)
      expect(mail.text).toContain('expires in 5 minutes')
      const code = codeIn(mail)
      expect(code).toMatch(/^\d{6}$/)
      const wrong = code === '000000' ? '111111' : '000000'
      const tab = service.client()
      for (let i = 0; i < 3; i++) {
        const response = await tab.request('/api/auth/sign-in/email-otp', { json: { email, otp: wrong } })
        expect(response.status).toBe(400)
      }
      const spent = await tab.request('/api/auth/sign-in/email-otp', { json: { email, otp: code } })
      expect(spent.status).toBe(403)
      expect(await spent.json()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' })

      await sendCode(email)
      const fresh = codeIn(await inbox.next(email, { count: 2 }))
      const signedIn = await tab.request('/api/auth/sign-in/email-otp', { json: { email, otp: fresh } })
      expect(signedIn.status).toBe(200)
      expect(sessionCookieSet(signedIn)).toBe(true)
      expect((await tab.session())?.user.email).toBe(email)
    })

    it('on an unverified account, revokes the password nobody proved', async () => {
      const { service, inbox } = running
      const email = uniqueEmail('victim')
      // Someone pre-registers the address with a password of their own; it is never verified.
      await service.client().signUp(email, 'squatter password 1')
      await inbox.next(email)

      await sendCode(email)
      const code = codeIn(await inbox.next(email, { count: 2 }))
      const owner = service.client()
      expect((await owner.request('/api/auth/sign-in/email-otp', { json: { email, otp: code } })).status).toBe(200)

      const squatter = await service.client().signIn(email, 'squatter password 1')
      expect(squatter.status).toBe(401)
      const rows = await queryEndpoint(
        service.endpoint,
        'select "user".email_verified, count(account.id) from "user" left join account on account.user_id = "user".id and account.provider_id = $2 where "user".email = $1 group by "user".email_verified',
        [email, 'credential'],
      )
      expect(rows).toEqual([['t', '0']])
    })
  })
})

function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, shapeOf(v)])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    )
  return value === null ? null : typeof value
}

describe.each(backendNames)('the verification resend of a refused sign-in, with limits on (%s)', (backendName) => {
  const running = useMailService(backendName, { RATE_LIMIT: '' }, { target: 'in-process' })

  it("spends the recipient's mail budget: 3 mails an hour, sign-up's included, however often the sign-in is tried", async () => {
    const { service, inbox } = running
    const email = uniqueEmail('resend')
    const warnings = vi.spyOn(console, 'warn')
    try {
      expect((await service.client().signUp(email)).status).toBe(200)
      for (let i = 0; i < 3; i += 1) expect((await service.client().signIn(email)).status).toBe(403)
      await service.settle!()
      await inbox.next(email, { count: 3 })
      expect(await inbox.to(email)).toHaveLength(3)
      const notSent = warnings.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('mail_not_sent'))
      expect(notSent).toEqual([expect.stringContaining('"reason":"recipient_budget_spent"')])
    } finally {
      warnings.mockRestore()
    }
  })
})

describe.each(embeddedBackendNames)('verification across sites on %s', (backendName) => {
  const DOCS = 'https://docs.other.org'
  const AUTH = 'https://auth.example.com'
  const running = useMailService(
    backendName,
    { BETTER_AUTH_URL: AUTH, TRUSTED_ORIGINS: DOCS },
    { target: 'in-process' },
  )

  it('the link signs in through the hand-off, so the session is created for the frontend by fetch', async () => {
    const { service, inbox } = running
    const email = uniqueEmail()
    const docs = service.client(DOCS)
    await docs.request('/api/auth/sign-up/email', {
      json: { email, password: 'correct horse battery', name: 'Ada', callbackURL: `${DOCS}/welcome` },
    })
    const link = linkIn(await inbox.next(email), `${AUTH}/api/auth/verify-email?`)
    expect(new URL(link).searchParams.get('callbackURL')).toBe(
      `${AUTH}/auth/handoff?callbackURL=${encodeURIComponent(`${DOCS}/welcome`)}`,
    )

    // The mail client opens the link: a top-level navigation on the service's own origin.
    const browser = service.client(null)
    const verified = await browser.request(pathOf(link))
    expect(verified.status).toBe(302)
    const handoff = await browser.request(pathOf(verified.headers.get('location')!))
    expect(handoff.status).toBe(302)
    const landing = new URL(handoff.headers.get('location')!)
    expect(`${landing.origin}${landing.pathname}`).toBe(`${DOCS}/welcome`)
    const ott = landing.searchParams.get('ott')!

    expect(await docs.session()).toBeNull()
    const exchanged = await docs.request('/api/auth/one-time-token/verify', { json: { token: ott } })
    expect(exchanged.status).toBe(200)
    expect((await docs.session())?.user.email).toBe(email)
  })

  it('a forged link reaches the frontend as ?auth_error=invalid_token', async () => {
    const { service, inbox } = running
    const email = uniqueEmail()
    await service.client(DOCS).request('/api/auth/sign-up/email', {
      json: { email, password: 'correct horse battery', name: 'Ada', callbackURL: `${DOCS}/welcome` },
    })
    const link = new URL(linkIn(await inbox.next(email), `${AUTH}/api/auth/verify-email?`))
    link.searchParams.set('token', 'forged')
    const browser = service.client(null)
    const failed = await browser.request(pathOf(link.toString()))
    const handoff = await browser.request(pathOf(failed.headers.get('location')!))
    expect(handoff.headers.get('location')).toBe(`${DOCS}/welcome?auth_error=invalid_token`)
  })
})

describe('sign-up for existing and new emails, interleaved', () => {
  const running = useMailService('pglite', {}, { target: 'in-process' })

  // The answers are asserted here; their timing is a measurement, not a test (docs/email.md).
  it('answers 5 interleaved tries of each alike', async () => {
    const { service } = running
    const existing = uniqueEmail('existing')
    await service.client().signUp(existing)
    for (let i = 0; i < 5; i++) {
      for (const kind of i % 2 === 0 ? (['existing', 'fresh'] as const) : (['fresh', 'existing'] as const)) {
        const email = kind === 'existing' ? existing : uniqueEmail('fresh')
        const response = await service.client().signUp(email, 'another password 2')
        expect(response.status).toBe(200)
        expect(sessionCookieSet(response)).toBe(false)
        expect(await response.json()).toMatchObject({ token: null, user: { email, emailVerified: false } })
      }
    }
    await service.settle!()
  })
})
