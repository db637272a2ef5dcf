/**
 * `/health/auth` in two levels: anyone sees the status, the secret's presence and length, database
 * reachability and latency, and the cookie mode, nothing else; `Authorization: Bearer
 * <HEALTH_TOKEN>` sees everything; any other bearer token is a 401 JSON.
 */
import { describe, expect, it } from 'vitest'
import { codeBlock } from '../support/docs.ts'
import { FULL_HEALTH, TEST_HEALTH_TOKEN, TEST_SECRET, useService } from '../support/service.ts'

const running = useService('pglite', { TRUSTED_ORIGINS: 'https://docs.example.com' }, { target: 'in-process' })

describe('/health/auth levels', () => {
  it('shows anyone the contract and nothing else', async () => {
    const response = await running.service.request('/health/auth')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = await response.json()
    expect(body).toEqual({
      status: 'ok',
      level: 'anonymous',
      secret: { present: true, length: TEST_SECRET.length },
      database: { reachable: true, latencyMs: expect.any(Number) },
      cookies: { mode: 'cross-site' },
    })
    // docs/health.md's example has exactly this shape.
    const shape = (value: unknown): unknown =>
      value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]))
        : typeof value
    expect(shape(JSON.parse(codeBlock('docs/health.md', '## Health levels', 'json')))).toEqual(shape(body))
    const text = JSON.stringify(body)
    for (const hidden of ['docs.example.com', 'fingerprint', 'migrations', 'keyId', 'BETTER_AUTH_SECRET', 'localhost'])
      expect(text).not.toContain(hidden)
  })

  it('shows everything with the HEALTH_TOKEN', async () => {
    const response = await running.service.request('/health/auth', FULL_HEALTH)
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body).toMatchObject({
      status: 'ok',
      level: 'full',
      config: { valid: true, problems: [] },
      secret: { present: true, source: 'BETTER_AUTH_SECRET', fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/) },
      database: { reachable: true, migrations: { pending: [] } },
      cookies: { mode: 'cross-site', attributes: { sameSite: 'None', partitioned: true } },
      jwt: { signingKey: expect.anything() },
      trustedOrigins: ['https://docs.example.com'],
    })
    expect(JSON.stringify(body)).not.toContain(TEST_HEALTH_TOKEN)
  })

  it.each([
    ['another token', 'Bearer not-the-health-token-at-all-but-long-enough'],
    ['the token with a character more', `Bearer ${TEST_HEALTH_TOKEN}x`],
    ['the signing secret', `Bearer ${TEST_SECRET}`],
  ])('refuses %s with 401 JSON', async (_name, authorization) => {
    const response = await running.service.request('/health/auth', { headers: { authorization } })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      code: 'INVALID_HEALTH_TOKEN',
      message: expect.any(String),
    })
  })

  it('refuses any bearer token where no HEALTH_TOKEN is set, and stays anonymous without one', async () => {
    await running.service.restart({ HEALTH_TOKEN: undefined })
    try {
      expect((await running.service.request('/health/auth', FULL_HEALTH)).status).toBe(401)
      expect(await (await running.service.request('/health/auth')).json()).toMatchObject({ level: 'anonymous' })
    } finally {
      await running.service.restart()
    }
  })

  it('names a short HEALTH_TOKEN, or one equal to a signing secret, as a configuration problem', async () => {
    for (const [token, problem] of [
      ['short', 'must be at least 32 characters'],
      [TEST_SECRET, 'must not be a signing secret'],
    ] as const) {
      await running.service.restart({ HEALTH_TOKEN: token })
      const response = await running.service.request('/api/auth/get-session')
      expect(response.status).toBe(500)
      const body = await response.json()
      expect(body.problems).toEqual([{ variable: 'HEALTH_TOKEN', problem: expect.stringContaining(problem) }])
      expect(JSON.stringify(body)).not.toContain(token)
    }
    await running.service.restart()
  })

  it('shows configuration problems only with the token when the configuration is invalid', async () => {
    await running.service.restart({ JWT_TTL: 'forever' })
    try {
      const anonymous = await running.service.request('/health/auth')
      expect(anonymous.status).toBe(503)
      expect(await anonymous.json()).toEqual({
        status: 'error',
        level: 'anonymous',
        secret: { present: true, length: TEST_SECRET.length },
        database: null,
        cookies: null,
      })
      const full = await running.service.request('/health/auth', FULL_HEALTH)
      expect(full.status).toBe(503)
      expect(await full.json()).toMatchObject({
        level: 'full',
        config: { valid: false, problems: [{ variable: 'JWT_TTL' }] },
      })
    } finally {
      await running.service.restart()
    }
  })
})
