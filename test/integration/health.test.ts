/**
 * `/health/auth` under failure: an endpoint that is gone or hangs gives 503 within 3 s, and
 * invalid configuration is named variable by variable, never by value.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backendNamed, backendNames, WORKER_DATABASE_URL } from '../support/backends.ts'
import { startService, TEST_SECRET, useService } from '../support/service.ts'
import { type RunningWorker, startWorker } from '../support/worker.ts'

const HEALTH_DEADLINE_MS = 3000

async function timed(worker: RunningWorker, path: string) {
  const started = performance.now()
  const response = await worker.fetch(path)
  return { response, body: await response.json(), ms: performance.now() - started }
}

describe.each(backendNames)('health when the database endpoint stops (%s)', (backendName) => {
  const backend = backendNamed(backendName)
  afterAll(() => backend.cleanup())

  it('answers 503 within 3 s once the endpoint is gone, 200 before', async () => {
    const service = await startService(backend)
    try {
      expect((await service.worker.fetch('/health/auth')).status).toBe(200)
      await service.endpoint.close()
      const { response, body, ms } = await timed(service.worker, '/health/auth')
      expect(response.status).toBe(503)
      expect(body.database.reachable).toBe(false)
      expect(ms).toBeLessThan(HEALTH_DEADLINE_MS)
      expect((await service.worker.fetch('/health')).status).toBe(200)
    } finally {
      await service.worker.stop()
    }
  })
})

describe('health when the database hangs', () => {
  let hanging: Server
  let worker: RunningWorker
  beforeAll(async () => {
    hanging = createServer(() => {
      /* accepts the request and never answers */
    })
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
    const { port } = hanging.address() as AddressInfo
    worker = await startWorker({
      BETTER_AUTH_SECRET: TEST_SECRET,
      BETTER_AUTH_URL: 'http://localhost:8787',
      DATABASE_URL: WORKER_DATABASE_URL,
      NEON_HTTP_ENDPOINT: `http://127.0.0.1:${port}/sql`,
    })
  })
  afterAll(async () => {
    await worker?.stop()
    hanging?.closeAllConnections()
    hanging?.close()
  })

  it('answers 503 within 3 s', async () => {
    const { response, body, ms } = await timed(worker, '/health/auth')
    expect(response.status).toBe(503)
    expect(body.database).toMatchObject({ reachable: false, error: expect.stringContaining('no answer') })
    expect(ms).toBeLessThan(HEALTH_DEADLINE_MS)
  })
})

// A configuration matter: one database backend is enough.
describe('health with a forced cookie mode that cannot work', () => {
  const running = useService('pglite', {
    BETTER_AUTH_URL: 'https://auth.example.com',
    TRUSTED_ORIGINS: 'https://docs.example.com,https://me.github.io',
    COOKIE_MODE: 'same-site',
  })

  it('answers 503 naming the cross-site origin whose Lax cookie is never sent, and 200 once COOKIE_MODE is auto', async () => {
    const { service } = running
    const response = await service.worker.fetch('/health/auth')
    const body = await response.json()
    expect(response.status).toBe(503)
    expect(body.status).toBe('error')
    expect(body.database).toMatchObject({ reachable: true, migrations: { pending: [] } })
    expect(body.cookies).toMatchObject({
      mode: 'same-site',
      modeSource: 'COOKIE_MODE',
      crossSiteOrigins: ['https://me.github.io'],
    })
    expect(body.cookies.warnings).toEqual([
      {
        code: 'cross_site_lax_cookie',
        message: expect.stringContaining('https://me.github.io is on another site'),
        fix: expect.stringContaining('Unset COOKIE_MODE'),
      },
    ])

    await service.restartWorker({ COOKIE_MODE: 'auto' })
    const healed = await service.worker.fetch('/health/auth')
    expect(healed.status).toBe(200)
    expect((await healed.json()).cookies).toMatchObject({ mode: 'cross-site', warnings: [] })
  })
})

describe('invalid configuration', () => {
  let worker: RunningWorker
  const weakSecret = 'tooshort-but-secret'
  beforeAll(async () => {
    worker = await startWorker({
      BETTER_AUTH_SECRET: weakSecret,
      BETTER_AUTH_URL: 'https://auth.example.com',
      TRUSTED_ORIGINS: 'docs.example.com',
    })
  })
  afterAll(() => worker?.stop())

  it('answers every non-health route 500 CONFIG_INVALID naming each variable', async () => {
    for (const path of ['/api/auth/get-session', '/api/auth/sign-in/email', '/elsewhere']) {
      const response = await worker.fetch(path, { method: path.includes('sign-in') ? 'POST' : 'GET' })
      expect(response.status, path).toBe(500)
      const body = await response.json()
      expect(body.code).toBe('CONFIG_INVALID')
      expect(body.problems.map((p: { variable: string }) => p.variable).sort()).toEqual([
        'BETTER_AUTH_SECRET',
        'DATABASE_URL',
        'TRUSTED_ORIGINS',
      ])
      expect(JSON.stringify(body)).not.toContain(weakSecret)
    }
  })

  it('keeps /health alive and /health/auth at 503 with the secret length only', async () => {
    expect((await worker.fetch('/health')).status).toBe(200)
    const response = await worker.fetch('/health/auth')
    expect(response.status).toBe(503)
    const body = await response.json()
    expect(body.secret).toEqual({ present: true, length: weakSecret.length, source: 'BETTER_AUTH_SECRET' })
    expect(JSON.stringify(body)).not.toContain(weakSecret)
  })

  it('refuses a missing secret rather than using a default', async () => {
    const noSecret = await startWorker({ BETTER_AUTH_URL: 'http://localhost:8787', DATABASE_URL: WORKER_DATABASE_URL })
    try {
      const body = await (await noSecret.fetch('/api/auth/get-session')).json()
      expect(body.problems).toEqual([{ variable: 'BETTER_AUTH_SECRET', problem: expect.stringContaining('missing') }])
    } finally {
      await noSecret.stop()
    }
  })
})
