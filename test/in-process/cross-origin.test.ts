/**
 * Cross-origin sessions, in-process: one allowlist for CORS and BetterAuth, cookie attributes per
 * mode, bearer tokens, secret rotation, the session diagnosis, the null-session report and the hand-off.
 */
import { randomBytes } from 'node:crypto'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseSetCookie } from '../../src/http/cookies.ts'
import { embeddedBackendNames, queryEndpoint } from '../support/backends.ts'
import { FULL_HEALTH, TEST_SECRET, uniqueEmail, useService } from '../support/service.ts'

const FRONTEND = 'https://docs.example.com'
const PREVIEW = 'https://pr-7.preview.example.com'
const OTHER_SITE = 'https://me.github.io'
const UNTRUSTED = 'https://docs.untrusted.example'
const SERVICE_URL = 'https://auth.example.com'
const NEW_SECRET = randomBytes(32).toString('base64url')

function sessionCookieLine(response: Response) {
  const line = response.headers.getSetCookie().find((l) => l.includes('session_token='))
  if (!line) throw new Error('no session cookie set')
  return parseSetCookie(line)
}

describe.each(embeddedBackendNames)('cross-origin on %s', (backendName) => {
  const running = useService(
    backendName,
    { BETTER_AUTH_URL: SERVICE_URL, TRUSTED_ORIGINS: `${FRONTEND}/, https://*.preview.example.com, ${OTHER_SITE}` },
    { target: 'in-process' },
  )
  const tab = (origin: string | null = FRONTEND) => running.service.client(origin)
  afterEach(() => vi.restoreAllMocks())

  describe('CORS from the one allowlist', () => {
    it.each([FRONTEND, PREVIEW, OTHER_SITE])(
      'answers a preflight from %s with credentials and exposed headers',
      async (origin) => {
        const response = await running.service.request('/api/auth/sign-in/email', {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type,authorization',
          },
        })
        expect(response.status).toBe(204)
        expect(response.headers.get('access-control-allow-origin')).toBe(origin)
        expect(response.headers.get('access-control-allow-credentials')).toBe('true')
        expect(response.headers.get('vary')).toMatch(/origin/i)
        expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(
          /content-type.*authorization/,
        )
      },
    )

    it('exposes set-auth-token and set-auth-jwt on real responses', async () => {
      const response = await tab().request('/api/auth/get-session')
      expect(response.headers.get('access-control-allow-origin')).toBe(FRONTEND)
      expect(response.headers.get('access-control-expose-headers')?.toLowerCase()).toMatch(
        /set-auth-token.*set-auth-jwt|set-auth-jwt.*set-auth-token/,
      )
    })

    it('gives an untrusted origin no CORS headers and refuses its sign-in', async () => {
      const evil = 'https://evil.example.net'
      const preflight = await running.service.request('/api/auth/sign-in/email', {
        method: 'OPTIONS',
        headers: { origin: evil, 'access-control-request-method': 'POST' },
      })
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
      const email = uniqueEmail()
      await tab().signUp(email)
      const signIn = await tab(evil).signIn(email)
      expect(signIn.status).toBe(403)
      expect(signIn.headers.get('access-control-allow-origin')).toBeNull()
      expect(signIn.headers.getSetCookie()).toEqual([])
    })
  })

  describe('cookies and bearer tokens', () => {
    it('sets a partitioned SameSite=None cookie when a frontend is on another site, named the same every time', async () => {
      const response = await tab().signUp(uniqueEmail())
      const cookie = sessionCookieLine(response)
      expect(cookie.name).toBe('__Secure-better-auth.session_token')
      expect([...cookie.attributes.keys()]).toEqual(expect.arrayContaining(['secure', 'httponly', 'partitioned']))
      expect(cookie.attributes.get('samesite')?.toLowerCase()).toBe('none')
      const health = await (await running.service.request('/health/auth', FULL_HEALTH)).json()
      expect(health.cookies).toMatchObject({
        mode: 'cross-site',
        name: cookie.name,
        attributes: { sameSite: 'None', partitioned: true, secure: true },
      })
      expect(health.cookies.crossSiteOrigins).toEqual([OTHER_SITE])
    })

    it('returns a bearer token that works without cookies', async () => {
      const response = await tab().signUp(uniqueEmail())
      const token = response.headers.get('set-auth-token')
      expect(token).toBeTruthy()
      const bearerOnly = tab()
      const session = await bearerOnly.request('/api/auth/get-session', {
        headers: { authorization: `Bearer ${token}` },
      })
      expect((await session.json())?.user).toBeTruthy()
    })
  })

  describe('GET /health/session', () => {
    it('names a valid session without echoing credentials', async () => {
      const client = tab()
      await client.signUp(uniqueEmail())
      const response = await client.request('/health/session')
      const body = await response.json()
      expect(body).toMatchObject({
        status: 'valid',
        credential: 'cookie',
        signedWith: { version: null, current: true },
      })
      const token = client.cookies.get('__Secure-better-auth.session_token')!
      expect(JSON.stringify(body)).not.toContain(decodeURIComponent(token).split('.')[0]!)
      expect(response.headers.get('access-control-allow-origin')).toBe(FRONTEND)
    })

    it('says no_credentials, and why, for a cross-site request without a cookie', async () => {
      const body = await (
        await tab(OTHER_SITE).request('/health/session', { headers: { 'sec-fetch-site': 'cross-site' } })
      ).json()
      expect(body.status).toBe('no_credentials')
      expect(body.causes[0].code).toBe('cross_site_cookie_not_sent')
    })

    it('names an origin missing from TRUSTED_ORIGINS', async () => {
      const body = await (await tab('https://unlisted.example.org').request('/health/session')).json()
      expect(body.causes.map((c: { code: string }) => c.code)).toContain('origin_not_trusted')
    })

    it('names a cookie of the other name prefix (http versus https)', async () => {
      const body = await (
        await tab().request('/health/session', { headers: { cookie: 'better-auth.session_token=abc.def' } })
      ).json()
      expect(body).toMatchObject({ status: 'no_credentials', causes: [{ code: 'cookie_name_mismatch' }] })
    })

    it('says bad_signature for a cookie signed by an unknown secret', async () => {
      const forged = `${randomBytes(16).toString('hex')}.${'A'.repeat(43)}=`
      const body = await (
        await tab().request('/health/session', {
          headers: { cookie: `__Secure-better-auth.session_token=${encodeURIComponent(forged)}` },
        })
      ).json()
      expect(body.status).toBe('bad_signature')
      expect(JSON.stringify(body)).not.toContain(forged.split('.')[0]!)
    })

    it('says not_found after sign-out, and expired for an expired session', async () => {
      const signedOut = tab()
      await signedOut.signUp(uniqueEmail())
      const cookie = signedOut.cookieHeader()
      await signedOut.request('/api/auth/sign-out', { method: 'POST', json: {} })
      expect((await (await tab().request('/health/session', { headers: { cookie } })).json()).status).toBe('not_found')

      const expiring = tab()
      const email = uniqueEmail()
      await expiring.signUp(email)
      await queryEndpoint(
        running.service.endpoint,
        `update session set expires_at = now() - interval '1 minute' where user_id = (select id from "user" where email = $1)`,
        [email],
      )
      expect((await (await expiring.request('/health/session')).json()).status).toBe('expired')
      // BetterAuth itself (reading the session joined with its user) refuses it too, once the cache lapses.
      expiring.forgetSessionCache()
      expect(await expiring.session()).toBeNull()
    })

    it('answers a trusted origin with credentialed CORS and the diagnosis of its credentials', async () => {
      const client = tab()
      await client.signUp(uniqueEmail())
      const response = await client.request('/health/session')
      expect(response.headers.get('access-control-allow-origin')).toBe(FRONTEND)
      expect(response.headers.get('access-control-allow-credentials')).toBe('true')
      expect(await response.json()).toMatchObject({ status: 'valid', credential: 'cookie' })

      const preflight = await running.service.request('/health/session', {
        method: 'OPTIONS',
        headers: {
          origin: FRONTEND,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      })
      expect(preflight.headers.get('access-control-allow-origin')).toBe(FRONTEND)
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
    })

    it('answers an untrusted origin without credentials, naming origin_not_trusted and nothing about its session', async () => {
      const client = tab()
      const bearer = (await client.signUp(uniqueEmail())).headers.get('set-auth-token')!
      const response = await running.service.request('/health/session', {
        headers: { origin: UNTRUSTED, cookie: client.cookieHeader(), authorization: `Bearer ${bearer}` },
      })
      expect(response.status).toBe(200)
      expect(response.headers.get('access-control-allow-origin')).toBe('*')
      expect(response.headers.get('access-control-allow-credentials')).toBeNull()
      expect(response.headers.get('cache-control')).toBe('no-store')
      const body = await response.json()
      expect(body).toEqual({
        status: 'no_credentials',
        credential: null,
        causes: [{ code: 'origin_not_trusted', message: expect.stringContaining(UNTRUSTED), fix: expect.any(String) }],
      })

      const preflight = await running.service.request('/health/session', {
        method: 'OPTIONS',
        headers: {
          origin: UNTRUSTED,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      })
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
      expect(preflight.headers.get('access-control-allow-headers')).toBeNull()
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull()
    })

    it('keeps credentialed CORS on every other route for trusted origins only', async () => {
      const untrusted = await running.service.request('/api/auth/get-session', { headers: { origin: UNTRUSTED } })
      expect(untrusted.headers.get('access-control-allow-origin')).toBeNull()
      const trusted = await running.service.request('/api/auth/get-session', { headers: { origin: FRONTEND } })
      expect(trusted.headers.get('access-control-allow-origin')).toBe(FRONTEND)
      expect(trusted.headers.get('access-control-allow-credentials')).toBe('true')
    })
  })

  describe('the null-session report', () => {
    it('diagnoses a null get-session after the response, once per reason and minute, without credentials in it', async () => {
      await running.service.restart() // a fresh isolate: nothing reported yet
      const warnings: string[] = []
      vi.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line))
      const headers = { origin: 'https://docs.other-site.example', cookie: 'unrelated=1' }
      for (let i = 0; i < 3; i += 1) {
        const response = await running.service.request('/api/auth/get-session', { headers })
        expect(await response.json()).toBeNull()
      }
      await running.service.settle()
      const reports = warnings.map((line) => JSON.parse(line)).filter((line) => line.event === 'session_null')
      expect(reports).toEqual([
        {
          level: 'warn',
          event: 'session_null',
          status: 'no_credentials',
          cause: 'origin_not_trusted',
          credential: null,
          suppressedSinceLast: 0,
          undiagnosedSinceLast: 0,
        },
      ])
    })
  })

  describe('redirect hand-off', () => {
    it('redirects a signed-in browser to a trusted callback with a one-time token the frontend can exchange once', async () => {
      const onService = tab(SERVICE_URL)
      const email = uniqueEmail()
      await onService.signUp(email)
      const redirect = await onService.request(
        `/auth/handoff?callbackURL=${encodeURIComponent(`${FRONTEND}/signed-in?x=1`)}`,
      )
      expect(redirect.status).toBe(302)
      const location = new URL(redirect.headers.get('location')!)
      expect(location.origin + location.pathname).toBe(`${FRONTEND}/signed-in`)
      const ott = location.searchParams.get('ott')!
      expect(ott).toMatch(/^[\w-]{16,}$/)

      const frontend = tab()
      const exchange = await frontend.request('/api/auth/one-time-token/verify', { json: { token: ott } })
      expect(exchange.status).toBe(200)
      expect(exchange.headers.get('set-auth-token')).toBeTruthy()
      // The session cache cookie comes along, in the frontend's partition like the session cookie.
      const attributesOf = (suffix: string) =>
        exchange.headers
          .getSetCookie()
          .find((line) => line.split('=')[0]!.endsWith(suffix))
          ?.split(';')
          .slice(1)
          .map((attribute) => attribute.trim())
          .filter((attribute) => !attribute.startsWith('Max-Age'))
      expect(attributesOf('.session_data')).toEqual(attributesOf('.session_token'))
      expect(attributesOf('.session_data')).toContain('Partitioned')
      expect((await frontend.session())?.user.email).toBe(email)
      expect((await tab().request('/api/auth/one-time-token/verify', { json: { token: ott } })).status).toBe(400)
    })

    it.each([
      ['absent', null, 'INVALID_CALLBACK_URL'],
      ['https://evil.example.net/x', 'https://evil.example.net/x', 'UNTRUSTED_CALLBACK_URL'],
      ['not a url', 'not a url', 'INVALID_CALLBACK_URL'],
      ['empty', '', 'INVALID_CALLBACK_URL'],
    ])('refuses the callback %s with a JSON 400 naming the problem', async (_label, callback, code) => {
      const onService = tab(SERVICE_URL)
      await onService.signUp(uniqueEmail())
      const query = callback === null ? '' : `?callbackURL=${encodeURIComponent(callback)}`
      const response = await onService.request(`/auth/handoff${query}`)
      expect(response.status).toBe(400)
      expect((await response.json()).code).toBe(code)
    })

    it('sends a browser without a session back with auth_error=no_session', async () => {
      const response = await tab(SERVICE_URL).request(
        `/auth/handoff?callbackURL=${encodeURIComponent(`${FRONTEND}/x`)}`,
      )
      expect(response.status).toBe(302)
      expect(new URL(response.headers.get('location')!).searchParams.get('auth_error')).toBe('no_session')
    })
  })

  describe('secret rotation', () => {
    it('keeps cookie and bearer sessions from the old secret, re-signed with the new one', async () => {
      const client = tab()
      const email = uniqueEmail()
      const signUp = await client.signUp(email)
      const signUpUserId = (await signUp.clone().json()).user.id as string
      const oldBearer = signUp.headers.get('set-auth-token')!
      const oldCookie = client.cookieHeader()
      // A JWT before the rotation, so the signing key exists encrypted under the old secret.
      const before = await client.request('/api/auth/token')
      expect(before.status).toBe(200)
      const oldJwt = (await before.json()).token as string
      const oldKid = decodeProtectedHeader(oldJwt).kid

      // Rotated as the service advises: the old secret moves into BETTER_AUTH_SECRETS behind the new one.
      await running.service.restart({ BETTER_AUTH_SECRETS: `2:${NEW_SECRET},1:${TEST_SECRET}`, BETTER_AUTH_SECRET: '' })
      try {
        const viaCookie = await tab().request('/api/auth/get-session', { headers: { cookie: oldCookie } })
        expect((await viaCookie.json())?.user.email).toBe(email)
        const reissued = sessionCookieLine(viaCookie)
        expect(decodeURIComponent(reissued.value)).not.toBe(decodeURIComponent(oldCookie.split('=')[1]!))

        const viaBearer = await tab().request('/api/auth/get-session', {
          headers: { authorization: `Bearer ${oldBearer}` },
        })
        expect((await viaBearer.json())?.user.email).toBe(email)
        const newBearer = viaBearer.headers.get('set-auth-token')!
        expect(newBearer).not.toBe(oldBearer)

        const health = await (await running.service.request('/health/auth', FULL_HEALTH)).json()
        expect(health.secret.versions.map((v: { version: number | null }) => v.version)).toEqual([2, 1])
        // The JWT signing key, encrypted before the rotation, still decrypts: JWTs keep flowing.
        expect(health.jwt.signingKey).toMatchObject({ present: true, decryptable: true, keyId: oldKid })
        const rotatedToken = await tab().request('/api/auth/token', { headers: { cookie: oldCookie } })
        expect(rotatedToken.status).toBe(200)
        expect(decodeProtectedHeader((await rotatedToken.json()).token).kid).toBe(oldKid)

        // With only the new secret left, the re-issued credentials still work and the old ones do not.
        await running.service.restart({ BETTER_AUTH_SECRETS: `2:${NEW_SECRET}`, BETTER_AUTH_SECRET: '' })
        const reissuedCookie = `${reissued.name}=${reissued.value}`
        expect(
          (await (await tab().request('/api/auth/get-session', { headers: { cookie: reissuedCookie } })).json())?.user
            .email,
        ).toBe(email)
        expect(
          (
            await (
              await tab().request('/api/auth/get-session', { headers: { authorization: `Bearer ${newBearer}` } })
            ).json()
          )?.user.email,
        ).toBe(email)
        expect(
          await (await tab().request('/api/auth/get-session', { headers: { cookie: oldCookie } })).json(),
        ).toBeNull()
        expect((await (await tab().request('/health/session', { headers: { cookie: oldCookie } })).json()).status).toBe(
          'bad_signature',
        )

        // The JWT signing key was encrypted under the retired secret: this deployment made a key of
        // its own (for the set-auth-jwt above), and the old one stays published, so its JWTs verify.
        const newJwts: string[] = []
        for (let i = 0; i < 3; i += 1) {
          const token = await tab().request('/api/auth/token', { headers: { cookie: reissuedCookie } })
          expect(token.status).toBe(200)
          newJwts.push((await token.json()).token)
        }
        const newKid = decodeProtectedHeader(newJwts[0]!).kid
        expect(newKid).not.toBe(oldKid)
        expect(newJwts.map((jwt) => decodeProtectedHeader(jwt).kid)).toEqual([newKid, newKid, newKid])
        const jwks = await (await running.service.request('/.well-known/jwks.json')).json()
        expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]))
        const keySet = createLocalJWKSet(jwks)
        for (const jwt of [oldJwt, newJwts[0]!]) {
          expect((await jwtVerify(jwt, keySet, { issuer: SERVICE_URL, audience: SERVICE_URL })).payload.sub).toBe(
            signUpUserId,
          )
        }
        // Named plainly in /health/auth, which stays healthy: JWTs are issued.
        const withoutOldSecret = await running.service.request('/health/auth', FULL_HEALTH)
        expect(withoutOldSecret.status).toBe(200)
        expect((await withoutOldSecret.json()).jwt.signingKey).toMatchObject({
          present: true,
          decryptable: true,
          keyId: newKid,
          undecryptable: [{ keyId: oldKid }],
          problem: expect.stringContaining('BETTER_AUTH_SECRETS'),
        })
      } finally {
        await running.service.restart()
      }
    })
  })
})
