/**
 * `/health/auth` under failure, in workerd (its timers and I/O decide whether the deadline holds):
 * an endpoint that is gone or hangs gives 503 within 3 s.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { embeddedBackendNames } from '../support/backends.ts'
import { FULL_HEALTH, type TestService, useService } from '../support/service.ts'

const HEALTH_DEADLINE_MS = 3000

async function timed(service: TestService, path: string, init?: RequestInit) {
  const started = performance.now()
  const response = await service.request(path, init)
  return { response, body: await response.json(), ms: performance.now() - started }
}

describe.each(embeddedBackendNames)('health when the database endpoint stops (%s)', (backendName) => {
  const running = useService(backendName)

  it('answers 503 within 3 s once the endpoint is gone, 200 before', async () => {
    const { service } = running
    expect((await service.request('/health/auth')).status).toBe(200)
    await service.endpoint.close()
    const { response, body, ms } = await timed(service, '/health/auth')
    expect(response.status).toBe(503)
    expect(body.database.reachable).toBe(false)
    expect(ms).toBeLessThan(HEALTH_DEADLINE_MS)
    expect((await service.request('/health')).status).toBe(200)
  })
})

// The database is a server that never answers; one backend is enough.
describe('health when the database hangs', () => {
  const running = useService('pglite')
  let hanging: Server
  beforeAll(async () => {
    hanging = createServer(() => {
      /* accepts the request and never answers */
    })
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
    const { port } = hanging.address() as AddressInfo
    await running.service.restart({ NEON_HTTP_ENDPOINT: `http://127.0.0.1:${port}/sql` })
  })
  afterAll(() => {
    hanging?.closeAllConnections()
    hanging?.close()
  })

  it('answers 503 within 3 s', async () => {
    const { response, body, ms } = await timed(running.service, '/health/auth', FULL_HEALTH)
    expect(response.status).toBe(503)
    expect(body.database).toMatchObject({ reachable: false, error: expect.stringContaining('no answer') })
    expect(ms).toBeLessThan(HEALTH_DEADLINE_MS)
  })

  it("says 'no answer' when the trip's own deadline passes before the probe's", async () => {
    const { port } = hanging.address() as AddressInfo
    await running.service.restart({ NEON_HTTP_ENDPOINT: `http://127.0.0.1:${port}/sql`, DATABASE_TIMEOUT_MS: '500' })
    const { response, body } = await timed(running.service, '/health/auth', FULL_HEALTH)
    expect(response.status).toBe(503)
    expect(body.database).toMatchObject({ reachable: false, error: expect.stringContaining('no answer') })
  })
})
