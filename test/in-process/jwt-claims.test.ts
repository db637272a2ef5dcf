/**
 * JWT_ISSUER and JWT_AUDIENCE, in-process: issued tokens carry them, the service's own guard
 * accepts them, and a verifier still expecting the defaults (the service's origin) refuses them.
 */
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { createAccessTokenVerifier } from '../../src/verify/index.ts'
import { FULL_HEALTH, uniqueEmail, useService } from '../support/service.ts'

const SERVICE_ORIGIN = 'http://localhost:8787'
const ISSUER = 'https://issuer.example.com'
const AUDIENCE = 'https://api.example.com'

// Claims are configuration; one database backend is enough.
describe('JWT_ISSUER and JWT_AUDIENCE set', () => {
  const running = useService('pglite', { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }, { target: 'in-process' })

  async function signedIn() {
    const client = running.service.client()
    const userId = (await (await client.signUp(uniqueEmail('claims'))).json()).user.id as string
    const response = await client.request('/api/auth/token')
    expect(response.status).toBe(200)
    return { client, userId, jwt: (await response.json()).token as string }
  }

  const verifier = (expected: { issuer: string; audience: string }) =>
    createAccessTokenVerifier({ jwksUrl: `${running.service.url}/.well-known/jwks.json`, ...expected })

  it('puts them in tokens from /api/auth/token and set-auth-jwt, and reports them in /health/auth', async () => {
    const { client, jwt } = await signedIn()
    expect(decodeJwt(jwt)).toMatchObject({ iss: ISSUER, aud: AUDIENCE })
    const fromSession = (await client.request('/api/auth/get-session')).headers.get('set-auth-jwt')
    expect(decodeJwt(fromSession!)).toMatchObject({ iss: ISSUER, aud: AUDIENCE })
    const health = await (await running.service.request('/health/auth', FULL_HEALTH)).json()
    expect(health.jwt).toMatchObject({ issuer: ISSUER, audience: AUDIENCE })
  })

  it("lets the service's own guard accept such a token", async () => {
    const { userId, jwt } = await signedIn()
    const response = await running.service.client().request(`/api/users/${userId}/sessions`, {
      headers: { authorization: `Bearer ${jwt}` },
    })
    expect(response.status, await response.clone().text()).toBe(200)
    expect((await response.json()).sessions).toHaveLength(1)
  })

  it('verifies with the configured values and refuses a verifier expecting the defaults', async () => {
    const { jwt } = await signedIn()
    await expect(verifier({ issuer: ISSUER, audience: AUDIENCE })(jwt)).resolves.toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
    })
    await expect(verifier({ issuer: SERVICE_ORIGIN, audience: AUDIENCE })(jwt)).rejects.toMatchObject({
      code: 'WRONG_ISSUER',
    })
    await expect(verifier({ issuer: ISSUER, audience: SERVICE_ORIGIN })(jwt)).rejects.toMatchObject({
      code: 'WRONG_AUDIENCE',
    })
  })
})
