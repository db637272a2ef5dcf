/**
 * Tokens for downstream APIs, in-process: a separate process verifies the service's JWTs offline
 * from its JWKS (served on the in-process service's loopback URL) and refuses every forgery; the
 * guard and the user's sessions API enforce ownership; keys made elsewhere are published at once,
 * and retired keys stay published through their grace period only.
 */
import { createHmac } from 'node:crypto'
import { symmetricDecrypt } from 'better-auth/crypto'
import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { embeddedBackendNames, queryEndpoint } from '../support/backends.ts'
import type { TestClient } from '../support/client.ts'
import { type Downstream, startDownstream } from '../support/downstream.ts'
import { TEST_SECRET, type TestService, uniqueEmail, useService } from '../support/service.ts'

const ISSUER = 'http://localhost:8787'
const TTL_SECONDS = 900
const GRACE_SECONDS = TTL_SECONDS + 60

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url')
}

async function signedInTab(service: TestService, email = uniqueEmail()) {
  const client = service.client()
  const response = await client.signUp(email)
  const body = await response.json()
  return { client, userId: body.user.id as string, email, bearer: response.headers.get('set-auth-token')! }
}

async function mintJwt(client: TestClient): Promise<string> {
  const response = await client.request('/api/auth/token')
  expect(response.status).toBe(200)
  return (await response.json()).token
}

async function callDownstream(api: Downstream, token: string) {
  const response = await fetch(`${api.url}/me`, { headers: { authorization: `Bearer ${token}` } })
  return { status: response.status, body: await response.json() }
}

const downstreamOf = (service: TestService) =>
  startDownstream({ jwksUrl: `${service.url}/.well-known/jwks.json`, issuer: ISSUER, audience: ISSUER })

describe.each(embeddedBackendNames)('tokens on %s', (backendName) => {
  const running = useService(backendName, {}, { target: 'in-process' })
  let downstream: Downstream
  const tab = () => running.service.client()

  /**
   * The service's current signing key, decrypted with the test secret, to forge claims on purpose.
   * A JWT is minted first, so the key exists whatever ran before.
   */
  async function serviceSigningKey() {
    await mintJwt((await signedInTab(running.service)).client)
    const [row] = await queryEndpoint(
      running.service.endpoint,
      'select id, private_key, alg from jwks order by created_at desc limit 1',
    )
    const jwk = JSON.parse(await symmetricDecrypt({ key: TEST_SECRET, data: JSON.parse(row![1]!) })) as JWK
    return { kid: row![0]!, key: await importJWK(jwk, 'EdDSA'), publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x } }
  }

  async function forge(claims: Record<string, unknown>, times: { iat: number; exp: number }) {
    const { kid, key } = await serviceSigningKey()
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setIssuedAt(times.iat)
      .setExpirationTime(times.exp)
      .sign(key)
  }

  beforeAll(async () => {
    downstream = await downstreamOf(running.service)
  })
  afterAll(async () => {
    await downstream?.stop()
  })

  describe('JWTs verified offline by a downstream process', () => {
    it('accepts a fresh token with minimal claims', async () => {
      const { client, userId, email } = await signedInTab(running.service)
      const token = await mintJwt(client)
      const { status, body } = await callDownstream(downstream, token)
      expect(status).toBe(200)
      expect(Object.keys(body.claims).sort()).toEqual([
        'aud',
        'email',
        'email_verified',
        'exp',
        'iat',
        'iss',
        'sid',
        'sub',
      ])
      expect(body.claims).toMatchObject({ sub: userId, email, email_verified: false, iss: ISSUER, aud: ISSUER })
      expect(body.claims.exp - body.claims.iat).toBe(TTL_SECONDS)
      expect(decodeProtectedHeader(token).alg).toBe('EdDSA')
    })

    it('also accepts the set-auth-jwt header of get-session', async () => {
      const { client } = await signedInTab(running.service)
      const response = await client.request('/api/auth/get-session')
      const jwt = response.headers.get('set-auth-jwt')!
      expect((await callDownstream(downstream, jwt)).status).toBe(200)
    })

    it('publishes the same JWKS at both URLs with a cache lifetime', async () => {
      const a = await running.service.request('/.well-known/jwks.json')
      const b = await running.service.request('/api/auth/jwks')
      expect(a.headers.get('cache-control')).toMatch(/max-age=\d+/)
      expect(b.headers.get('cache-control')).toMatch(/max-age=\d+/)
      expect(await a.json()).toEqual(await b.json())
    })

    it.each([
      ['an expired token', { exp: -120, iat: -1000 }, {}, 'TOKEN_EXPIRED'],
      ['a wrong audience', { exp: 600, iat: 0 }, { aud: 'https://other-api.example.com' }, 'WRONG_AUDIENCE'],
      ['a wrong issuer', { exp: 600, iat: 0 }, { iss: 'https://evil.example.com' }, 'WRONG_ISSUER'],
    ])('refuses %s', async (_label, offsets, override, code) => {
      const now = Math.floor(Date.now() / 1000)
      const token = await forge(
        { sub: 'someone', iss: ISSUER, aud: ISSUER, ...override },
        { iat: now + offsets.iat, exp: now + offsets.exp },
      )
      expect(await callDownstream(downstream, token)).toEqual({
        status: 401,
        body: { code, message: expect.any(String) },
      })
    })

    it('refuses a tampered payload', async () => {
      const { client } = await signedInTab(running.service)
      const [header, payload, signature] = (await mintJwt(client)).split('.')
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
      const tampered = `${header}.${base64url(JSON.stringify({ ...claims, sub: 'admin' }))}.${signature}`
      expect((await callDownstream(downstream, tampered)).body.code).toBe('BAD_SIGNATURE')
    })

    it('refuses alg: none', async () => {
      const { client } = await signedInTab(running.service)
      const claims = decodeJwt(await mintJwt(client))
      const unsigned = `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}.`
      const { status, body } = await callDownstream(downstream, unsigned)
      expect(status).toBe(401)
      expect(['ALGORITHM_NOT_ALLOWED', 'TOKEN_MALFORMED']).toContain(body.code)
    })

    it('refuses an HS256 token signed with the public key', async () => {
      const { client } = await signedInTab(running.service)
      const claims = decodeJwt(await mintJwt(client))
      const { kid, publicJwk } = await serviceSigningKey()
      const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', kid }))}.${base64url(JSON.stringify(claims))}`
      for (const secret of [JSON.stringify(publicJwk), Buffer.from(publicJwk.x!, 'base64url')]) {
        const forged = `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`
        expect((await callDownstream(downstream, forged)).body.code).toBe('ALGORITHM_NOT_ALLOWED')
      }
    })
  })

  describe('the guard', () => {
    it('answers 401 JSON without credentials, or with refused ones', async () => {
      const { client, userId } = await signedInTab(running.service)
      const jwt = await mintJwt(client)
      const refused: Record<string, string>[] = [
        {},
        { authorization: 'Bearer nonsense' },
        { authorization: 'Bearer a.b.c' },
        { cookie: 'better-auth.session_token=x.y' },
      ]
      for (const headers of refused) {
        const response = await tab().request(`/api/users/${userId}/sessions`, { headers })
        expect(response.status).toBe(401)
        expect(await response.json()).toMatchObject({ code: 'UNAUTHORIZED', message: expect.any(String) })
      }
      // A JWT whose signature was altered: refused, with the verifier's reason.
      const forged = await tab().request(`/api/users/${userId}/sessions`, {
        headers: { authorization: `Bearer ${jwt.slice(0, -4)}AAAA` },
      })
      expect(forged.status).toBe(401)
      expect(await forged.json()).toMatchObject({ code: 'UNAUTHORIZED', reason: 'BAD_SIGNATURE' })
    })

    it('accepts the session cookie, the bearer session token and a JWT', async () => {
      const { client, userId, bearer } = await signedInTab(running.service)
      const jwt = await mintJwt(client)
      const byCookie = await client.request(`/api/users/${userId}/sessions`)
      expect(byCookie.status).toBe(200)
      const { sessions } = (await byCookie.json()) as { sessions: { current: boolean }[] }
      expect(sessions).toHaveLength(1)
      expect(sessions[0]!.current).toBe(true)
      for (const authorization of [`Bearer ${bearer}`, `Bearer ${jwt}`]) {
        const response = await tab().request(`/api/users/${userId}/sessions`, { headers: { authorization } })
        expect(response.status, await response.clone().text()).toBe(200)
      }
    })

    it("answers 403 for another user's id in the path", async () => {
      const me = await signedInTab(running.service)
      const other = await signedInTab(running.service)
      const response = await me.client.request(`/api/users/${other.userId}/sessions`)
      expect(response.status).toBe(403)
      expect((await response.json()).code).toBe('FORBIDDEN')
    })
  })

  describe("the user's sessions API", () => {
    it('lists active sessions with the current one marked and no tokens', async () => {
      const email = uniqueEmail()
      const first = await signedInTab(running.service, email)
      const second = tab()
      await second.signIn(email)
      const response = await second.request(`/api/users/${first.userId}/sessions`)
      const { sessions } = await response.json()
      expect(sessions).toHaveLength(2)
      expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1)
      for (const s of sessions)
        expect(Object.keys(s).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'ipAddress', 'userAgent'])
      expect(JSON.stringify(sessions)).not.toContain(first.bearer.split('.')[0])
    })

    it('revokes one session: its get-session is null and it can mint no JWT', async () => {
      const email = uniqueEmail()
      const keeper = await signedInTab(running.service, email)
      const doomed = tab()
      await doomed.signIn(email)
      const doomedId = (await doomed.session())!.session.id
      const response = await keeper.client.request(`/api/users/${keeper.userId}/sessions/${doomedId}`, {
        method: 'DELETE',
      })
      expect(response.status).toBe(200)
      doomed.forgetSessionCache()
      expect(await doomed.session()).toBeNull()
      expect((await doomed.request('/api/auth/token')).status).toBe(401)
      expect(await keeper.client.session()).not.toBeNull()
    })

    it("answers 404, not 403, for another user's session id", async () => {
      const me = await signedInTab(running.service)
      const other = await signedInTab(running.service)
      const otherSessionId = (await other.client.session())!.session.id
      const response = await me.client.request(`/api/users/${me.userId}/sessions/${otherSessionId}`, {
        method: 'DELETE',
      })
      expect(response.status).toBe(404)
      const unknown = await me.client.request(`/api/users/${me.userId}/sessions/does-not-exist`, { method: 'DELETE' })
      expect(unknown.status).toBe(404)
      const body = await response.json()
      expect(body.code).toBe('SESSION_NOT_FOUND')
      expect(body).toEqual(await unknown.json())
      expect(await other.client.session()).not.toBeNull()
    })

    it('revokes every session but the current one', async () => {
      const email = uniqueEmail()
      const current = await signedInTab(running.service, email)
      const others = [tab(), tab()]
      for (const other of others) await other.signIn(email)
      const response = await current.client.request(`/api/users/${current.userId}/sessions`, { method: 'DELETE' })
      expect(await response.json()).toEqual({ revoked: 2 })
      for (const other of others) other.forgetSessionCache()
      for (const other of others) expect(await other.session()).toBeNull()
      expect(await current.client.session()).not.toBeNull()
    })

    it('refuses a cookie-authenticated revocation from an untrusted origin, and allows it from the frontend', async () => {
      const { client, userId } = await signedInTab(running.service)
      const response = await client.request(`/api/users/${userId}/sessions`, {
        method: 'DELETE',
        headers: { origin: 'https://evil.example.net' },
      })
      expect(response.status).toBe(403)
      expect((await response.json()).code).toBe('UNTRUSTED_ORIGIN')
      expect(await client.session()).not.toBeNull()

      const allowed = await client.request(`/api/users/${userId}/sessions`, { method: 'DELETE' })
      expect(allowed.status).toBe(200)
      expect(await allowed.json()).toEqual({ revoked: 0 })
    })
  })
})

// Writes keys behind the isolate's back, so it gets a service and a database of its own.
describe.each(embeddedBackendNames)('the key store on %s', (backendName) => {
  const running = useService(backendName, {}, { target: 'in-process' })

  it('publishes a key made by another isolate at once, at both JWKS URLs', async () => {
    const own = running.service
    const client = own.client()
    await client.signUp(uniqueEmail())
    await mintJwt(client) // this isolate now holds the keys it read
    const [row] = await queryEndpoint(
      own.endpoint,
      'select public_key, private_key from jwks order by created_at desc limit 1',
    )
    const otherKid = `other-isolate-${Date.now()}`
    await queryEndpoint(
      own.endpoint,
      `insert into jwks (id, public_key, private_key, alg, crv, created_at, expires_at) values ($1, $2, $3, 'EdDSA', 'Ed25519', now(), now() + interval '1 day')`,
      [otherKid, row![0], row![1]],
    )
    for (const path of ['/.well-known/jwks.json', '/api/auth/jwks']) {
      const keys = (await (await own.request(path)).json()).keys as { kid: string }[]
      expect(
        keys.map((k) => k.kid),
        path,
      ).toContain(otherKid)
    }
  })
})

// Restarts the service and ages keys, so it gets a service and a database of its own.
describe.each(embeddedBackendNames)('key retirement on %s', (backendName) => {
  const running = useService(backendName, {}, { target: 'in-process' })

  it('keeps a retired key published through its grace period, and drops it after', async () => {
    const own = running.service
    const client = own.client()
    await client.signUp(uniqueEmail())
    const oldToken = await mintJwt(client)
    const oldKid = decodeProtectedHeader(oldToken).kid!
    /** Time passing, simulated: the key's expiry moves in the database, and a new isolate (no key cache) serves. */
    async function retireOldKey(secondsAgo: number): Promise<void> {
      await queryEndpoint(
        own.endpoint,
        `update jwks set expires_at = now() - make_interval(secs => $2::int) where id = $1`,
        [oldKid, secondsAgo],
      )
      await own.restart()
    }
    const kids = async () =>
      ((await (await own.request('/.well-known/jwks.json')).json()).keys as { kid: string }[]).map((k) => k.kid)

    // Retired 10 s ago: a new key signs, the old one is still published.
    await retireOldKey(10)
    const newToken = await mintJwt(client)
    expect(decodeProtectedHeader(newToken).kid).not.toBe(oldKid)
    expect(await kids()).toContain(oldKid)
    const fresh = await downstreamOf(own)
    try {
      expect((await callDownstream(fresh, oldToken)).status).toBe(200)
    } finally {
      await fresh.stop()
    }

    // Retired longer ago than the grace period: gone from the JWKS, its tokens refused.
    await retireOldKey(GRACE_SECONDS + 1)
    expect(await kids()).not.toContain(oldKid)
    const later = await downstreamOf(own)
    try {
      expect((await callDownstream(later, oldToken)).body.code).toBe('UNKNOWN_KEY')
      expect((await callDownstream(later, newToken)).status).toBe(200)
    } finally {
      await later.stop()
    }
  })
})
