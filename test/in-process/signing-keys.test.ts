/**
 * JWT signing keys under changing and differing secrets, in-process: a key encrypted under any
 * secret a deployment knows keeps signing, and a deployment that can decrypt no live key makes one
 * of its own (once, not per request) while the other keys stay published.
 */
import { randomBytes } from 'node:crypto'
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { backendNames, queryEndpoint } from '../support/backends.ts'
import type { TestClient } from '../support/client.ts'
import {
  FULL_HEALTH,
  startService,
  TEST_SECRET,
  type TestService,
  uniqueEmail,
  useService,
} from '../support/service.ts'

const ISSUER = 'http://localhost:8787'
const secret = () => randomBytes(32).toString('base64url')

async function signedIn(service: TestService): Promise<TestClient> {
  const client = service.client()
  expect((await client.signUp(uniqueEmail())).status).toBe(200)
  return client
}

async function mintJwt(client: TestClient): Promise<string> {
  const response = await client.request('/api/auth/token')
  expect(response.status).toBe(200)
  return (await response.json()).token
}

async function signingKeyHealth(service: TestService) {
  const response = await service.request('/health/auth', FULL_HEALTH)
  return { status: response.status, signingKey: (await response.json()).jwt.signingKey }
}

async function publishedKeys(service: TestService): Promise<JSONWebKeySet> {
  return (await service.request('/.well-known/jwks.json')).json()
}

async function keyRows(service: TestService) {
  return queryEndpoint(service.endpoint, 'select id, private_key from jwks order by created_at')
}

// Each describe gets a database of its own.
describe.each(backendNames)('signing keys on %s', (backendName) => {
  describe('two deployments with different secrets on one database', () => {
    const running = useService(backendName, {}, { target: 'in-process' })
    let other: TestService | undefined
    afterAll(async () => {
      await other?.stop()
    })

    it('settle on one key each, however many tokens each issues, and verify each other', async () => {
      const service = running.service
      // The first deployment signs first, so the second meets a live key it cannot decrypt.
      const first = await signedIn(service)
      const firstKid = decodeProtectedHeader(await mintJwt(first)).kid
      // Another deployment on the same database, with a secret of its own.
      other = await startService(service.endpoint, { BETTER_AUTH_SECRET: secret() }, { target: 'in-process' })
      const second = await signedIn(other)

      const tokens = { first: [] as string[], second: [] as string[] }
      async function rounds(count: number) {
        for (let round = 0; round < count; round += 1) {
          const batch = await Promise.all([
            ...[0, 1, 2].map(() => mintJwt(first)),
            ...[0, 1, 2].map(() => mintJwt(second)),
          ])
          tokens.first.push(...batch.slice(0, 3))
          tokens.second.push(...batch.slice(3))
        }
      }
      await rounds(3)
      // Fresh isolates read the keys again instead of using what they cached.
      await service.restart()
      await other.restart()
      await rounds(2)

      const kids = (list: string[]) => [...new Set(list.map((t) => decodeProtectedHeader(t).kid))]
      expect(kids(tokens.first)).toEqual([firstKid])
      const [secondKid] = kids(tokens.second)
      expect(kids(tokens.second)).toEqual([secondKid])
      expect(secondKid).not.toBe(firstKid)
      expect((await keyRows(service)).map((row) => row[0])).toEqual([firstKid, secondKid])

      // One database, one JWKS: either deployment's tokens verify against either's keys.
      for (const deployment of [service, other]) {
        const keySet = createLocalJWKSet(await publishedKeys(deployment))
        for (const token of [tokens.first[0]!, tokens.second[0]!]) {
          await jwtVerify(token, keySet, { issuer: ISSUER, audience: ISSUER })
        }
      }

      // Each names the key it signs with and the one it cannot decrypt, and stays healthy.
      for (const [deployment, own, foreign] of [
        [service, firstKid, secondKid],
        [other, secondKid, firstKid],
      ] as const) {
        const { status, signingKey } = await signingKeyHealth(deployment)
        expect(status).toBe(200)
        expect(signingKey).toMatchObject({
          present: true,
          decryptable: true,
          keyId: own,
          undecryptable: [{ keyId: foreign }],
          problem: expect.stringContaining('another deployment'),
        })
      }
    })
  })

  describe('a secret rotated into a versioned slot', () => {
    const running = useService(backendName, {}, { target: 'in-process' })

    it('keeps signing with the key encrypted before versioned secrets, and leaves its row as it was', async () => {
      const service = running.service
      const client = await signedIn(service)
      const kid = decodeProtectedHeader(await mintJwt(client)).kid
      const before = await keyRows(service)
      expect(before).toHaveLength(1)

      // The old secret is version 2, neither BETTER_AUTH_SECRET nor the oldest version (which
      // BetterAuth would try for data encrypted before versioned secrets).
      await service.restart({
        BETTER_AUTH_SECRETS: `3:${secret()},2:${TEST_SECRET},1:${secret()}`,
        BETTER_AUTH_SECRET: '',
      })
      for (let i = 0; i < 3; i += 1) expect(decodeProtectedHeader(await mintJwt(client)).kid).toBe(kid)

      expect(await keyRows(service)).toEqual(before)
      const { status, signingKey } = await signingKeyHealth(service)
      expect(status).toBe(200)
      expect(signingKey).toMatchObject({ present: true, decryptable: true, keyId: kid, undecryptable: [] })
      expect(signingKey.problem).toBeUndefined()
    })
  })
})
