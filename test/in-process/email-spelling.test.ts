/**
 * An address is one account however it is typed: surrounding whitespace (a phone keyboard's
 * trailing space) and capitals are dropped on every route that takes an email, as http/email.ts
 * normalises it, before BetterAuth validates the body.
 */
import { describe, expect, it, vi } from 'vitest'
import { pathOf, useMailService } from '../support/mail-service.ts'
import { codeIn, linkIn } from '../support/maildev.ts'
import { uniqueEmail } from '../support/service.ts'

vi.setConfig({ testTimeout: 60_000 })

const FRONTEND = 'http://localhost:3000'
const SERVICE = 'http://localhost:8787'
const typed = (email: string) => `  ${email[0]!.toUpperCase()}${email.slice(1, -12)}@Example.COM `

describe('emails as a person types them', () => {
  const running = useMailService('pglite', {}, { target: 'in-process' })

  it('signs up, verifies and signs in `  Ada@Example.COM ` as ada@example.com', async () => {
    const { service, inbox } = running
    const email = uniqueEmail('ada')
    const tab = service.client()
    const signUp = await tab.request('/api/auth/sign-up/email', {
      json: { email: typed(email), password: 'correct horse battery', name: 'Ada' },
    })
    expect(signUp.status).toBe(200)
    expect(await signUp.json()).toMatchObject({ user: { email } })
    await tab.request(pathOf(linkIn(await inbox.next(email), `${SERVICE}/api/auth/verify-email?`)))
    const signIn = await service.client().request('/api/auth/sign-in/email', {
      json: { email: typed(email), password: 'correct horse battery' },
    })
    expect(signIn.status).toBe(200)
    expect(await signIn.json()).toMatchObject({ user: { email } })
  })

  it('mails a password reset and a sign-in code to the address typed with spaces', async () => {
    const { service, inbox } = running
    const email = uniqueEmail('bea')
    await service.client().signUp(email)
    await inbox.next(email)
    const reset = await service.client().request('/api/auth/request-password-reset', {
      json: { email: typed(email), redirectTo: `${FRONTEND}/reset` },
    })
    expect(reset.status).toBe(200)
    expect((await inbox.next(email, { count: 2 })).subject).toBe('Reset your Docs password')

    const send = await service.client().request('/api/auth/email-otp/send-verification-otp', {
      json: { email: typed(email), type: 'sign-in' },
    })
    expect(send.status).toBe(200)
    const code = codeIn(await inbox.next(email, { count: 3 }))
    const tab = service.client()
    const signIn = await tab.request('/api/auth/sign-in/email-otp', { json: { email: typed(email), otp: code } })
    expect(signIn.status).toBe(200)
    expect((await tab.session())?.user.email).toBe(email)
  })
})
