import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv, ServiceContext } from '../context.ts'
import { createTokenSigner } from '../credentials/signed-token.ts'
import { readCredential } from './credential.ts'

const service = {
  signer: createTokenSigner([{ version: null, value: 's'.repeat(32), source: 'BETTER_AUTH_SECRET' }]),
  sessionCookie: Promise.resolve({ name: 'sid', attributes: {} }),
} as unknown as ServiceContext

describe('readCredential', () => {
  it('keeps the one reading of the request on the context', async () => {
    const app = new Hono<AppEnv>()
    app.use(readCredential(service))
    app.get('/', (c) => c.json({ cookie: c.var.credentials.cookie?.value, bearer: c.var.credentials.bearer?.kind }))
    const response = await app.request('/', { headers: { cookie: 'sid=t.s', authorization: 'Bearer a.b.c' } })
    expect(await response.json()).toEqual({ cookie: 't.s', bearer: 'jwt' })
  })
})
