/**
 * One HTTP acceptance suite for every deployment target (workerd, Vercel Edge, Node) on PGlite
 * (no step here depends on the database): the session lifecycle, CORS for trusted and untrusted origins, the health
 * report, and JWTs that verify against the service's own JWKS.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { embeddedBackendNames } from '../support/backends.ts'
import {
  backendsAndTargets,
  deployedTargets,
  FULL_HEALTH,
  type TestService,
  uniqueEmail,
  useService,
} from '../support/service.ts'

const FRONTEND = 'http://localhost:3000'
const UNTRUSTED = 'https://evil.example.net'
const SERVICE_URL = 'http://localhost:8787'

function preflight(service: TestService, origin: string): Promise<Response> {
  return service.request('/api/auth/sign-in/email', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,authorization',
    },
  })
}

function headerList(response: Response, name: string): string[] {
  return (response.headers.get(name) ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean)
}

// The database cannot change what these check: PGlite alone.
const onPglite = backendsAndTargets(deployedTargets, embeddedBackendNames)

describe.each(onPglite)('acceptance on %s, %s', (backendName, targetName) => {
  const running = useService(
    backendName,
    { BETTER_AUTH_URL: SERVICE_URL, TRUSTED_ORIGINS: FRONTEND },
    { target: targetName },
  )
  const tab = (origin: string | null = FRONTEND) => running.service.client(origin)

  it('signs up, reads the session, signs out, and then reads null', async () => {
    const browser = tab()
    const email = uniqueEmail(targetName)
    const signUp = await browser.signUp(email)
    expect(signUp.status).toBe(200)
    const created = (await signUp.json()) as { user: { id: string; email: string } }
    expect(created.user.email).toBe(email)
    expect(browser.cookies.size).toBeGreaterThan(0)

    const session = await browser.session()
    expect(session?.user).toMatchObject({ id: created.user.id, email })

    const signOut = await browser.request('/api/auth/sign-out', { method: 'POST', json: {} })
    expect(signOut.status).toBe(200)
    expect(await browser.session()).toBeNull()
  })

  it("sends BetterAuth's error route to the sign-in error route with the same parameters", async () => {
    const cases = [
      ['?error=state_mismatch&error_description=a%20b', '?error=state_mismatch&error_description=a+b'],
      ['?error=%3Cscript%3E', '?error=UNKNOWN'],
      ['', '?error=UNKNOWN'],
    ]
    for (const [query, expected] of cases) {
      const answer = await running.service.request(`/api/auth/error${query}`, { redirect: 'manual' })
      expect(answer.status).toBe(302)
      expect(answer.headers.get('location')).toBe(`${SERVICE_URL}/auth/sign-in-error${expected}`)
    }
  })

  it('signs in an existing user in a fresh browser and reads the session', async () => {
    const email = uniqueEmail(targetName)
    expect((await tab().signUp(email)).status).toBe(200)
    const browser = tab()
    const signIn = await browser.signIn(email)
    expect(signIn.status).toBe(200)
    expect((await browser.session())?.user.email).toBe(email)
    expect(await tab().session()).toBeNull()
  })

  it('answers a preflight from a trusted origin with the exact origin, credentials and the client headers', async () => {
    const response = await preflight(running.service, FRONTEND)
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe(FRONTEND)
    expect(response.headers.get('access-control-allow-credentials')).toBe('true')
    expect(headerList(response, 'vary')).toContain('origin')
    expect(headerList(response, 'access-control-allow-headers')).toEqual(
      expect.arrayContaining(['content-type', 'authorization']),
    )
    const exposed = await tab().request('/api/auth/get-session')
    expect(exposed.headers.get('access-control-allow-origin')).toBe(FRONTEND)
    expect(headerList(exposed, 'access-control-expose-headers')).toEqual(
      expect.arrayContaining(['set-auth-token', 'set-auth-jwt']),
    )
  })

  it('gives a preflight from an untrusted origin no Access-Control-Allow-Origin', async () => {
    const response = await preflight(running.service, UNTRUSTED)
    expect(response.status).toBeLessThan(500)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('reports /health/auth healthy with a reachable, migrated database', async () => {
    const response = await tab().request('/health/auth', FULL_HEALTH)
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.status).toBe('ok')
    expect(body.database).toMatchObject({ reachable: true, migrations: { pending: [] } })
  })

  it('issues a JWT for the session that verifies against the JWKS, for this service and this user', async () => {
    const browser = tab()
    const email = uniqueEmail(targetName)
    const signUp = await browser.signUp(email)
    const userId = ((await signUp.json()) as { user: { id: string } }).user.id

    const response = await browser.request('/api/auth/token')
    expect(response.status).toBe(200)
    const { token } = (await response.json()) as { token: string }
    expect(token.split('.')).toHaveLength(3)

    const jwks = createRemoteJWKSet(new URL(`${running.service.url}/api/auth/jwks`))
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: SERVICE_URL, audience: SERVICE_URL })
    expect(payload.sub).toBe(userId)
    expect(payload.email).toBe(email)
    expect(protectedHeader.alg).toBe('EdDSA')
    expect(payload.exp! - payload.iat!).toBeGreaterThan(0)

    const anonymous = await tab().request('/api/auth/token')
    expect(anonymous.status).toBe(401)
  })
})
