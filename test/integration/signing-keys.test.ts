/**
 * JWT signing keys under changing and differing secrets, in workerd: a key encrypted under any
 * secret a deployment knows keeps signing, and a deployment that can decrypt no live key makes one
 * of its own (once, not per request) while the other keys stay published.
 */
import { randomBytes } from 'node:crypto'
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { backendNames, queryEndpoint } from '../support/backends.ts'
import { TestClient } from '../support/client.ts'
import { serviceBindings, TEST_SECRET, type TestService, uniqueEmail, useService } from '../support/service.ts'
import { type RunningWorker, startWorker } from '../support/worker.ts'

const ISSUER = 'http://localhost:8787'
const secret = () => randomBytes(32).toString('base64url')

async function signedIn(worker: RunningWorker): Promise<TestClient> {
  const client = new TestClient(worker.url)
  expect((await client.signUp(uniqueEmail())).status).toBe(200)
  return client
}

/** A client of `worker` holding the cookies of `client` (the same browser, after a restart). */
function withCookiesOf(client: TestClient, worker: RunningWorker): TestClient {
  const next = new TestClient(worker.url)
  for (const [name, value] of client.cookies) next.cookies.set(name, value)
  return next
}

async function mintJwt(client: TestClient): Promise<string> {
  const response = await client.request('/api/auth/token')
  expect(response.status).toBe(200)
  return (await response.json()).token
}

async function signingKeyHealth(worker: RunningWorker) {
  const response = await worker.fetch('/health/auth')
  return { status: response.status, signingKey: (await response.json()).jwt.signingKey }
}

async function publishedKeys(worker: RunningWorker): Promise<JSONWebKeySet> {
  return (await worker.fetch('/.well-known/jwks.json')).json()
}

async function keyRows(service: TestService) {
  return queryEndpoint(service.endpoint, 'select id, private_key from jwks order by created_at')
}

// Each describe gets a database of its own.
describe.each(backendNames)('signing keys on %s', (backendName) => {
  describe('two deployments with different secrets on one database', () => {
    const running = useService(backendName)
    let other: RunningWorker | undefined
    afterAll(async () => {
      await other?.stop()
    })

    it('settle on one key each, however many tokens each issues, and verify each other', async () => {
      const service = running.service
      // The first deployment signs first, so the second meets a live key it cannot decrypt.
      let first = await signedIn(service.worker)
      const firstKid = decodeProtectedHeader(await mintJwt(first)).kid
      const bindings = serviceBindings(service.endpoint, { BETTER_AUTH_SECRET: secret() })
      other = await startWorker(bindings)
      let second = await signedIn(other)

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
      await service.restartWorker()
      await other.stop()
      other = await startWorker(bindings)
      first = withCookiesOf(first, service.worker)
      second = withCookiesOf(second, other)
      await rounds(2)

      const kids = (list: string[]) => [...new Set(list.map((t) => decodeProtectedHeader(t).kid))]
      expect(kids(tokens.first)).toEqual([firstKid])
      const [secondKid] = kids(tokens.second)
      expect(kids(tokens.second)).toEqual([secondKid])
      expect(secondKid).not.toBe(firstKid)
      expect((await keyRows(service)).map((row) => row[0])).toEqual([firstKid, secondKid])

      // One database, one JWKS: either deployment's tokens verify against either's keys.
      for (const worker of [service.worker, other]) {
        const keySet = createLocalJWKSet(await publishedKeys(worker))
        for (const token of [tokens.first[0]!, tokens.second[0]!]) {
          await jwtVerify(token, keySet, { issuer: ISSUER, audience: ISSUER })
        }
      }

      // Each names the key it signs with and the one it cannot decrypt, and stays healthy.
      for (const [worker, own, foreign] of [
        [service.worker, firstKid, secondKid],
        [other, secondKid, firstKid],
      ] as const) {
        const { status, signingKey } = await signingKeyHealth(worker)
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
    const running = useService(backendName)

    it('keeps signing with the key encrypted before versioned secrets, and leaves its row as it was', async () => {
      const service = running.service
      const client = await signedIn(service.worker)
      const kid = decodeProtectedHeader(await mintJwt(client)).kid
      const before = await keyRows(service)
      expect(before).toHaveLength(1)

      // The old secret is version 2, neither BETTER_AUTH_SECRET nor the oldest version (which
      // BetterAuth would try for data encrypted before versioned secrets).
      await service.restartWorker({
        BETTER_AUTH_SECRETS: `3:${secret()},2:${TEST_SECRET},1:${secret()}`,
        BETTER_AUTH_SECRET: '',
      })
      const rotated = withCookiesOf(client, service.worker)
      for (let i = 0; i < 3; i += 1) expect(decodeProtectedHeader(await mintJwt(rotated)).kid).toBe(kid)

      expect(await keyRows(service)).toEqual(before)
      const { status, signingKey } = await signingKeyHealth(service.worker)
      expect(status).toBe(200)
      expect(signingKey).toMatchObject({ present: true, decryptable: true, keyId: kid, undecryptable: [] })
      expect(signingKey.problem).toBeUndefined()
    })
  })
})
