import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { ServiceContext } from '../context.ts'
import { HEADERS } from '../http/headers.ts'
import { passClientAddress } from './client-address.ts'

function appWith(address: string | undefined) {
  const app = new Hono()
  app.use(passClientAddress({ clientAddress: () => address } as unknown as ServiceContext))
  app.get('/', (c) => c.json({ seen: c.req.raw.headers.get(HEADERS.clientAddress), other: c.req.header('x-real-ip') }))
  return app
}

describe('passClientAddress', () => {
  it("hands the routes the platform's address, whatever the client wrote in its place", async () => {
    const headers = { [HEADERS.clientAddress]: '198.51.100.1', 'x-real-ip': '198.51.100.2' }
    const response = await appWith('203.0.113.5').request('/', { headers })
    expect(await response.json()).toEqual({ seen: '203.0.113.5', other: '198.51.100.2' })
  })

  it('removes a forged address when the platform knows none', async () => {
    const response = await appWith(undefined).request('/', { headers: { [HEADERS.clientAddress]: '198.51.100.1' } })
    expect(await response.json()).toEqual({ seen: null })
  })
})
