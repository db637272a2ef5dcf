/**
 * Mail delivery around the flows: a transport that is down neither fails the request nor loses the
 * error (logged without link or token, counted in /health/auth), and Resend's HTTPS API is spoken
 * as documented.
 */
import { createServer, type IncomingMessage } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { embeddedBackendNames } from '../support/backends.ts'
import { MAIL_FROM, useMailService } from '../support/mail-service.ts'
import { FULL_HEALTH, uniqueEmail, useService } from '../support/service.ts'

/** The full /health/auth (the mail section is not in the anonymous level). */
async function mailHealth(request: (path: string, init: RequestInit) => Promise<Response>) {
  const health = await request('/health/auth', FULL_HEALTH)
  return ((await health.json()) as { mail: Record<string, unknown> }).mail
}

describe.each(embeddedBackendNames)('an SMTP server that is down, on %s', (backendName) => {
  const running = useMailService(backendName, {}, { target: 'in-process' })
  afterEach(() => running.service.restart())

  it('answers the sign-up as usual, retries once, then logs and counts the failure without the link', async () => {
    const { service } = running
    // Nothing listens on port 9 of loopback (discard): every connection is refused.
    await service.restart({ SMTP_URL: 'smtp://127.0.0.1:9' })
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      const email = uniqueEmail()
      const signUp = await service.client().signUp(email)
      expect(signUp.status).toBe(200)
      await service.settle!()
      const logged = [...errors.mock.calls, ...warnings.mock.calls].map((call) => String(call[0]))
      const failure = logged.find((line) => line.includes('"mail_failed"'))
      expect(failure).toBeDefined()
      expect(JSON.parse(failure!)).toMatchObject({ kind: 'verification', transport: 'smtp' })
      expect(logged.some((line) => line.includes('"mail_retry"'))).toBe(true)
      for (const line of logged) expect(line).not.toMatch(/verify-email|token=/)
    } finally {
      errors.mockRestore()
      warnings.mockRestore()
    }
    expect(await mailHealth((path, init) => service.request(path, init))).toMatchObject({
      transport: 'smtp',
      emailVerification: 'required',
      deliveries: { sent: 0, failed: 1, retried: 1, lastFailure: { kind: 'verification' } },
    })
  })
})

/** What Resend documents for POST /emails (https://resend.com/docs/api-reference/emails/send-email). */
function resendShapeProblems(request: IncomingMessage, body: string): string[] {
  const problems: string[] = []
  if (request.method !== 'POST' || request.url !== '/emails') problems.push(`${request.method} ${request.url}`)
  if (!/^Bearer re_\w+$/.test(request.headers.authorization ?? '')) problems.push('authorization')
  if (!request.headers['content-type']?.startsWith('application/json')) problems.push('content-type')
  let json: Record<string, unknown>
  try {
    json = JSON.parse(body)
  } catch {
    return [...problems, 'body is not JSON']
  }
  if (typeof json.from !== 'string' || !json.from) problems.push('from')
  const to = json.to
  if (!(typeof to === 'string' || (Array.isArray(to) && to.length >= 1 && to.length <= 50))) problems.push('to')
  if (typeof json.subject !== 'string' || !json.subject) problems.push('subject')
  if (json.html !== undefined && typeof json.html !== 'string') problems.push('html')
  if (json.text !== undefined && typeof json.text !== 'string') problems.push('text')
  const known = [
    'from',
    'to',
    'subject',
    'bcc',
    'cc',
    'scheduled_at',
    'reply_to',
    'html',
    'text',
    'react',
    'headers',
    'attachments',
    'tags',
  ]
  for (const key of Object.keys(json)) if (!known.includes(key)) problems.push(`unknown field ${key}`)
  return problems
}

describe('Resend (against a local server that checks each request against Resend’s documented POST /emails shape)', () => {
  const received: { problems: string[]; json: Record<string, unknown> }[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      const problems = resendShapeProblems(request, body)
      received.push({ problems, json: problems.includes('body is not JSON') ? {} : JSON.parse(body) })
      response.setHeader('content-type', 'application/json')
      if (problems.length > 0) {
        response.statusCode = 422
        response.end(JSON.stringify({ statusCode: 422, name: 'validation_error', message: problems.join(', ') }))
      } else response.end(JSON.stringify({ id: crypto.randomUUID() }))
    })
  })
  let url = ''
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const running = useService('pglite', {}, { target: 'in-process' })

  it('sends the verification mail in the documented shape', async () => {
    const { service } = running
    await service.restart({ RESEND_API_KEY: 're_test_123', RESEND_API_URL: url, MAIL_FROM, APP_NAME: 'Docs' })
    const email = uniqueEmail()
    expect((await service.client().signUp(email)).status).toBe(200)
    await service.settle!()
    expect(received).toHaveLength(1)
    expect(received[0]!.problems).toEqual([])
    expect(received[0]!.json).toMatchObject({ from: MAIL_FROM, to: [email], subject: 'Confirm your email for Docs' })
    expect(received[0]!.json.text).toContain('/api/auth/verify-email?token=')
    expect(await mailHealth((path, init) => service.request(path, init))).toMatchObject({
      transport: 'resend',
      deliveries: { sent: 1, failed: 0 },
    })
  })

  it('counts a refused message as failed', async () => {
    const { service } = running
    await service.restart({ RESEND_API_KEY: 'not-a-resend-key', RESEND_API_URL: url, MAIL_FROM })
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      await service.client().signUp(uniqueEmail())
      await service.settle!()
      expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toContain('Resend answered 422 validation_error')
    } finally {
      errors.mockRestore()
      warnings.mockRestore()
    }
    expect(await mailHealth((path, init) => service.request(path, init))).toMatchObject({
      deliveries: { sent: 0, failed: 1 },
    })
  })
})
