/**
 * Invalid configuration, in-process: every route but the health routes answers 500
 * CONFIG_INVALID naming each variable, never its value; a missing secret is refused, never
 * replaced by a default.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { WORKER_DATABASE_URL } from '../support/backends.ts'
import { useService } from '../support/service.ts'

const weakSecret = 'tooshort-but-secret'

// Configuration is read before any database work; one backend is enough.
describe('invalid configuration', () => {
  // A weak secret, a bare host for an origin, and no database at all.
  const running = useService(
    'pglite',
    {
      BETTER_AUTH_SECRET: weakSecret,
      BETTER_AUTH_URL: 'https://auth.example.com',
      TRUSTED_ORIGINS: 'docs.example.com',
      DATABASE_URL: undefined,
      NEON_HTTP_ENDPOINT: undefined,
      RATE_LIMIT: undefined,
    },
    { target: 'in-process' },
  )
  // The service logs the problems (by name) once per isolate; the assertions read the responses.
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}))
  afterEach(() => vi.restoreAllMocks())

  it('answers every non-health route 500 CONFIG_INVALID naming each variable', async () => {
    for (const path of ['/api/auth/get-session', '/api/auth/sign-in/email', '/elsewhere']) {
      const response = await running.service.request(path, { method: path.includes('sign-in') ? 'POST' : 'GET' })
      expect(response.status, path).toBe(500)
      const body = await response.json()
      expect(body.code).toBe('CONFIG_INVALID')
      expect(body.message).toEqual(expect.any(String))
      expect(body.problems.map((p: { variable: string }) => p.variable).sort()).toEqual([
        'BETTER_AUTH_SECRET',
        'DATABASE_URL',
        'TRUSTED_ORIGINS',
      ])
      expect(JSON.stringify(body)).not.toContain(weakSecret)
    }
  })

  it('keeps /health alive and /health/auth at 503 with the secret length only', async () => {
    expect((await running.service.request('/health')).status).toBe(200)
    const response = await running.service.request('/health/auth')
    expect(response.status).toBe(503)
    const body = await response.json()
    // Anonymous: the contract only, no source and no configuration problems.
    expect(body).toEqual({
      status: 'error',
      level: 'anonymous',
      secret: { present: true, length: weakSecret.length },
      database: null,
      cookies: null,
    })
    expect(JSON.stringify(body)).not.toContain(weakSecret)
  })

  it('refuses a missing secret rather than using a default', async () => {
    await running.service.restart({
      BETTER_AUTH_SECRET: undefined,
      BETTER_AUTH_URL: 'http://localhost:8787',
      DATABASE_URL: WORKER_DATABASE_URL,
      TRUSTED_ORIGINS: undefined,
    })
    try {
      const body = await (await running.service.request('/api/auth/get-session')).json()
      expect(body.problems).toEqual([{ variable: 'BETTER_AUTH_SECRET', problem: expect.stringContaining('missing') }])
    } finally {
      await running.service.restart()
    }
  })
})
