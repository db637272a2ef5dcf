/**
 * The limits every isolate shares (src/limits/): two apps (two isolates' worth of state) on one
 * database spend one budget, on each database backend. The in-process target knows no client
 * address (no socket, no platform header), so it exercises what is keyed by email or session,
 * and the rule that an unknown address shares no bucket; per-address limits are tested on the
 * runtimes that know addresses (test/integration/client-address.test.ts).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { parseConfig } from '../../src/config/index.ts'
import { createDatabaseClient } from '../../src/database/index.ts'
import { createLimits } from '../../src/limits/index.ts'
import { backendNames, queryEndpoint } from '../support/backends.ts'
import { startService, type TestService, uniqueEmail, useService } from '../support/service.ts'

const PASSWORD = 'correct horse battery'
const THRESHOLD = 10

describe.each(backendNames)('limits shared through the database (%s)', (backendName) => {
  const running = useService(backendName, { RATE_LIMIT: '' }, { target: 'in-process' })
  let other: TestService<'in-process'>
  beforeAll(async () => {
    other = await startService(running.service.endpoint, { RATE_LIMIT: '' }, { target: 'in-process' })
  })
  afterAll(() => other.stop())
  afterEach(() => running.service.endpoint.faults.clear())

  /** The two isolates in turn. */
  const isolate = (i: number) => (i % 2 === 0 ? running.service : other)
  const signIn = (i: number, email: string, password: string) =>
    isolate(i).client().request('/api/auth/sign-in/email', { json: { email, password } })

  it('throttles an account after 10 failed sign-ins across both isolates, the same for unknown emails', async () => {
    const existing = uniqueEmail('known')
    expect((await running.service.client().signUp(existing)).status).toBe(200)
    const unknown = uniqueEmail('unknown')
    const refusals: Response[] = []
    for (const email of [existing, unknown]) {
      for (let i = 0; i < THRESHOLD; i += 1) expect((await signIn(i, email, `guess ${i}`)).status).toBe(401)
      refusals.push(await signIn(THRESHOLD, email, 'one more guess'))
    }
    const [known, stranger] = refusals as [Response, Response]
    expect(known.status).toBe(429)
    expect(stranger.status).toBe(429)
    const body = await known.json()
    expect(body).toMatchObject({ code: 'RATE_LIMITED' })
    expect(await stranger.json()).toEqual(body)
    expect([...known.headers.keys()]).toEqual([...stranger.headers.keys()])
    for (const response of refusals) {
      const retryAfter = Number(response.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThan(0)
      expect(retryAfter).toBeLessThanOrEqual(30)
    }
    // The owner's right password waits as well: the throttle never looks at the account.
    expect((await signIn(1, existing, PASSWORD)).status).toBe(429)
  })

  it('gives a successful sign-in its attempt back, but does not clear the failures', async () => {
    const email = uniqueEmail()
    await running.service.client().signUp(email)
    for (let i = 0; i < THRESHOLD - 1; i += 1) expect((await signIn(i, email, `guess ${i}`)).status).toBe(401)
    expect((await signIn(0, email, PASSWORD)).status).toBe(200)
    await Promise.all([running.service.settle(), other.settle()])
    // The 10th failure still passes (the success was given back) …
    expect((await signIn(1, email, 'guess 10')).status).toBe(401)
    // … and the 11th waits (the success cleared nothing).
    expect((await signIn(0, email, 'guess 11')).status).toBe(429)
  })

  it('clears the throttle when the password is reset', async () => {
    const email = uniqueEmail()
    const signedUp = await running.service.client().signUp(email)
    const { user } = (await signedUp.json()) as { user: { id: string } }
    for (let i = 0; i <= THRESHOLD; i += 1) await signIn(i, email, `guess ${i}`)
    expect((await signIn(1, email, PASSWORD)).status).toBe(429)

    // The token request-password-reset would have mailed (the mail routes come with mail delivery).
    const token = randomBytes(24).toString('base64url')
    await queryEndpoint(
      running.service.endpoint,
      `insert into verification (id, identifier, value, expires_at) values ($1, $2, $3, now() + interval '1 hour')`,
      [randomBytes(8).toString('hex'), `reset-password:${token}`, user.id],
    )
    const reset = await other.client().request('/api/auth/reset-password', {
      json: { token, newPassword: 'a brand new password' },
    })
    expect(reset.status).toBe(200)
    expect((await signIn(1, email, 'a brand new password')).status).toBe(200)
    // The other isolate remembers the throttle's refusal for a second at most.
    await expect.poll(async () => (await signIn(0, email, 'a brand new password')).status, { timeout: 3000 }).toBe(200)
  })

  it('clears an account and takes mail budget by the limiter’s own functions, whatever the spelling', async () => {
    const email = uniqueEmail()
    for (let i = 0; i <= THRESHOLD; i += 1) await signIn(i, email, `guess ${i}`)
    expect((await signIn(0, email, 'guess')).status).toBe(429)
    const parsed = parseConfig(running.service.bindings)
    if (!parsed.ok) throw new Error('test bindings are valid')
    const limits = createLimits({
      config: parsed.config,
      database: createDatabaseClient(parsed.config),
      platform: { waitUntil: () => undefined },
      clientAddress: () => undefined,
    })
    await limits.clearAccount(`  ${email.toUpperCase()} `)
    expect((await signIn(1, email, 'guess')).status).toBe(401)

    // The recipient budget for mail sent outside the mail routes is the routes' own.
    const recipient = uniqueEmail('resent')
    for (let i = 0; i < 2; i += 1) expect((await limits.takeMailBudget(recipient)).retryAfter).toBe(0)
    const request = await other.client().request('/api/auth/request-password-reset', { json: { email: recipient } })
    expect(request.status).not.toBe(429)
    expect((await limits.takeMailBudget(recipient.toUpperCase())).retryAfter).toBeGreaterThan(3500)
  })

  it('mails an address at most 3 times an hour, across routes, isolates and spellings', async () => {
    const email = uniqueEmail('mailed')
    const post = (i: number, path: string, json: Record<string, unknown>) =>
      isolate(i).client().request(`/api/auth${path}`, { json })
    expect((await post(0, '/sign-up/email', { email, password: PASSWORD, name: 'A' })).status).toBe(200)
    expect((await post(1, '/sign-up/email', { email, password: PASSWORD, name: 'A' })).status).not.toBe(429)
    expect(
      (await post(0, '/request-password-reset', { email, redirectTo: 'http://localhost:3000/r' })).status,
    ).not.toBe(429)
    const fourth = await post(1, '/request-password-reset', { email: ` ${email.toUpperCase()}` })
    expect(fourth.status).toBe(429)
    expect(await fourth.json()).toEqual({ code: 'RATE_LIMITED', message: expect.any(String) })
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(3500)
    // Another address has its own budget.
    expect((await post(0, '/sign-up/email', { email: uniqueEmail(), password: PASSWORD, name: 'B' })).status).toBe(200)
  })

  it('counts concurrent requests atomically: 12 at once from both isolates, exactly 3 get through', async () => {
    const email = uniqueEmail('burst')
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        isolate(i).client().request('/api/auth/request-password-reset', { json: { email } }),
      ),
    )
    const statuses = responses.map((response) => response.status)
    expect(statuses.filter((status) => status !== 429)).toHaveLength(3)
  })

  it('costs get-session and the JWKS no counter, and answers 503 where a counter is unreachable', async () => {
    const client = running.service.client()
    await client.signUp(uniqueEmail())
    running.service.endpoint.faults.inject({ match: 'rate_limit', action: { kind: 'error' } })
    expect((await client.request('/api/auth/get-session')).status).toBe(200)
    expect((await client.request('/api/auth/jwks')).status).toBe(200)
    const signIn = await client.request('/api/auth/sign-in/email', { json: { email: uniqueEmail(), password: 'x' } })
    expect(signIn.status).toBe(503)
    expect(await signIn.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' })
    expect(signIn.headers.get('retry-after')).toBeTruthy()
  })

  it('prunes expired windows as it counts', async () => {
    const stale = `stale:${randomBytes(6).toString('hex')}`
    await queryEndpoint(
      running.service.endpoint,
      `insert into rate_limit (key, count, reset_at) values ($1, 5, now() - interval '1 minute')`,
      [stale],
    )
    await signIn(0, uniqueEmail(), 'counted')
    const rows = await queryEndpoint(running.service.endpoint, 'select count(*) from rate_limit where key = $1', [
      stale,
    ])
    expect(rows[0]![0]).toBe('0')
  })

  it('shares no bucket between clients whose address is unknown, and says so once', async () => {
    const warn = vi.spyOn(console, 'warn')
    try {
      await running.service.restart()
      const statuses: number[] = []
      for (let i = 0; i < 6; i += 1) statuses.push((await running.service.client().signIn(uniqueEmail(), 'x')).status)
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401])
      const lines = warn.mock.calls.map((call) => String(call[0])).filter((l) => l.includes('client_address_unknown'))
      expect(lines).toHaveLength(1)
    } finally {
      warn.mockRestore()
    }
  })
})
