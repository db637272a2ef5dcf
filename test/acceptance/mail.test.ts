/**
 * Mail on the deployed targets: workerd (worker-mailer over `cloudflare:sockets`) and Node
 * (nodemailer) sending through SMTP to a real maildev, on PGlite: sign-up mails a
 * verification link that signs the user in; a code mailed for sign-in signs in by fetch. On Vercel
 * Edge, SMTP is a configuration problem naming it.
 */
import { describe, expect, it } from 'vitest'
import { embeddedBackendNames } from '../support/backends.ts'
import { pathOf, useMailService } from '../support/mail-service.ts'
import { codeIn, linkIn } from '../support/maildev.ts'
import { FULL_HEALTH, uniqueEmail, useService } from '../support/service.ts'

const FRONTEND = 'http://localhost:3000'
const targets = ['workerd', 'node'] as const

describe.each(embeddedBackendNames.flatMap((b) => targets.map((t) => [b, t] as const)))(
  'mail on %s, %s',
  (backendName, target) => {
    const running = useMailService(backendName, { TRUSTED_ORIGINS: FRONTEND }, { target })

    it('mails a verification link over SMTP that signs the user in', async () => {
      const { service, inbox } = running
      const email = uniqueEmail()
      const tab = service.client()
      const signUp = await tab.request('/api/auth/sign-up/email', {
        json: { email, password: 'correct horse battery', name: 'Ada', callbackURL: `${FRONTEND}/welcome` },
      })
      expect(signUp.status).toBe(200)
      expect(await tab.session()).toBeNull()
      const mail = await inbox.next(email)
      expect(mail.from[0]).toMatchObject({ address: 'auth@example.com', name: 'Docs' })
      const verified = await tab.request(pathOf(linkIn(mail, 'http')))
      expect(verified.status).toBe(302)
      expect(verified.headers.get('location')).toBe(`${FRONTEND}/welcome`)
      expect((await tab.session())?.user.email).toBe(email)
    })

    it('mails a sign-in code that signs in by fetch', async () => {
      const { service, inbox } = running
      const email = uniqueEmail()
      const tab = service.client()
      await tab.request('/api/auth/email-otp/send-verification-otp', { json: { email, type: 'sign-in' } })
      const otp = codeIn(await inbox.next(email))
      expect((await tab.request('/api/auth/sign-in/email-otp', { json: { email, otp } })).status).toBe(200)
      expect((await tab.session())?.user.email).toBe(email)
    })
  },
)

describe('SMTP on Vercel Edge', () => {
  const running = useService(
    'pglite',
    { SMTP_URL: 'smtp://127.0.0.1:1025', MAIL_FROM: 'auth@example.com' },
    { target: 'vercel-edge' },
  )

  it('is a configuration problem naming Vercel Edge, and Resend is not', async () => {
    const health = await running.service.request('/health/auth', FULL_HEALTH)
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({
      config: {
        valid: false,
        problems: [
          {
            variable: 'SMTP_URL',
            problem: 'cannot work on Vercel Edge: it has no TCP sockets for SMTP; set RESEND_API_KEY instead',
          },
        ],
      },
    })
    await running.service.restart({
      SMTP_URL: undefined,
      RESEND_API_KEY: 're_123',
      RESEND_API_URL: 'http://127.0.0.1:9',
    })
    const resend = await (await running.service.request('/health/auth', FULL_HEALTH)).json()
    expect(resend).toMatchObject({
      config: { valid: true },
      mail: { transport: 'resend', emailVerification: 'required' },
    })
  })
})
