import { describe, expect, it } from 'vitest'
import { mailTransportProblem } from '../mail/index.ts'
import { parseMailConfig } from './mail.ts'

function parse(env: Record<string, string>) {
  const problems: { variable: string; problem: string }[] = []
  return { mail: parseMailConfig(env, problems), problems }
}

describe('parseMailConfig', () => {
  it('without a transport: no mail, verification off by default', () => {
    expect(parse({}).mail).toMatchObject({
      transport: null,
      emailVerification: 'off',
      emailVerificationSource: 'default (no mail transport)',
      passwordResetSeconds: 3600,
      appName: 'edge-auth',
    })
  })

  it('parses SMTP_URL with credentials; verification required by default', () => {
    const { mail, problems } = parse({ SMTP_URL: 'smtps://me%40x:p%3Ass@smtp.example.com', MAIL_FROM: 'a@example.com' })
    expect(problems).toEqual([])
    expect(mail.transport).toEqual({
      kind: 'smtp',
      smtp: { host: 'smtp.example.com', port: 465, secure: true, username: 'me@x', password: 'p:ss' },
    })
    expect(mail.emailVerification).toBe('required')
    expect(parse({ SMTP_URL: 'smtp://h', MAIL_FROM: 'a@b.c' }).mail.transport).toMatchObject({
      smtp: { port: 587, secure: false },
    })
  })

  it('names each bad setting without its value', () => {
    const cases: [Record<string, string>, string][] = [
      [{ SMTP_URL: 'http://h', MAIL_FROM: 'a@b.c' }, 'SMTP_URL'],
      [{ SMTP_URL: 'smtp://user:hunter2@h' }, 'MAIL_FROM'],
      [{ SMTP_URL: 'smtp://h', RESEND_API_KEY: 're_1', MAIL_FROM: 'a@b.c' }, 'SMTP_URL'],
      [{ EMAIL_VERIFICATION: 'required' }, 'EMAIL_VERIFICATION'],
      [{ SMTP_URL: 'smtp://h', MAIL_FROM: 'a@b.c', EMAIL_VERIFICATION: 'maybe' }, 'EMAIL_VERIFICATION'],
      [{ PASSWORD_RESET_TTL: '1m' }, 'PASSWORD_RESET_TTL'],
    ]
    for (const [env, variable] of cases) {
      const { problems } = parse(env)
      expect(problems.map((p) => p.variable)).toEqual([variable])
      expect(JSON.stringify(problems)).not.toContain('hunter2')
    }
  })

  it('takes EMAIL_VERIFICATION and PASSWORD_RESET_TTL as set', () => {
    const { mail } = parse({
      RESEND_API_KEY: 're_1',
      MAIL_FROM: 'a@b.c',
      EMAIL_VERIFICATION: 'optional',
      PASSWORD_RESET_TTL: '30m',
    })
    expect(mail).toMatchObject({
      transport: { kind: 'resend', apiUrl: 'https://api.resend.com' },
      emailVerification: 'optional',
      emailVerificationSource: 'EMAIL_VERIFICATION',
      passwordResetSeconds: 1800,
    })
  })
})

describe('mailTransportProblem', () => {
  const smtp = parse({ SMTP_URL: 'smtp://h', MAIL_FROM: 'a@b.c' }).mail
  it('names Vercel Edge for SMTP, where there are no TCP sockets', () => {
    expect(mailTransportProblem(smtp, { waitUntil: () => undefined, runtime: 'Vercel Edge' })).toEqual({
      variable: 'SMTP_URL',
      problem: 'cannot work on Vercel Edge: it has no TCP sockets for SMTP; set RESEND_API_KEY instead',
    })
  })
  it('accepts SMTP where the platform has a client, and Resend anywhere', () => {
    const resend = parse({ RESEND_API_KEY: 're_1', MAIL_FROM: 'a@b.c' }).mail
    expect(mailTransportProblem(resend, { waitUntil: () => undefined, runtime: 'Vercel Edge' })).toBeNull()
    expect(
      mailTransportProblem(smtp, { waitUntil: () => undefined, smtp: () => ({ send: async () => undefined }) }),
    ).toBeNull()
  })
})
