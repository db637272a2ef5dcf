/**
 * Route logic, in-process (no bundle, no workerd): the guard and the sessions API, the hand-off,
 * error shapes, invalid configuration, secret rotation, and the null-session report.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { HEADERS } from '../../src/http/headers.ts'
import { useInProcessService } from '../support/in-process.ts'
import { TEST_SECRET, uniqueEmail } from '../support/service.ts'

const FRONTEND = 'http://localhost:3000'
const running = useInProcessService('pglite', { TRUSTED_ORIGINS: FRONTEND })

async function signedIn(origin: string | null = FRONTEND) {
  const client = running.service.client(origin)
  const response = await client.signUp(uniqueEmail())
  expect(response.status).toBe(200)
  const { user } = (await response.json()) as { user: { id: string } }
  return { client, userId: user.id, bearer: response.headers.get(HEADERS.sessionToken)! }
}

afterEach(() => {
  vi.restoreAllMocks()
  running.service.restart()
})

describe('the sessions API behind the guard', () => {
  it('lists the caller’s sessions by cookie, bearer token or JWT, and refuses without one', async () => {
    const { client, userId, bearer } = await signedIn()
    const byCookie = await client.request(`/api/users/${userId}/sessions`)
    expect(byCookie.status).toBe(200)
    const { sessions } = (await byCookie.json()) as { sessions: { current: boolean }[] }
    expect(sessions).toHaveLength(1)
    expect(sessions[0]!.current).toBe(true)

    const byBearer = await running.service.request(`/api/users/${userId}/sessions`, {
      headers: { authorization: `Bearer ${bearer}` },
    })
    expect(byBearer.status).toBe(200)

    const jwt = (await (await client.request('/api/auth/token')).json()) as { token: string }
    const byJwt = await running.service.request(`/api/users/${userId}/sessions`, {
      headers: { authorization: `Bearer ${jwt.token}` },
    })
    expect(byJwt.status).toBe(200)

    const anonymous = await running.service.request(`/api/users/${userId}/sessions`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHORIZED', message: expect.any(String) })

    const forged = await running.service.request(`/api/users/${userId}/sessions`, {
      headers: { authorization: `Bearer ${jwt.token.slice(0, -4)}AAAA` },
    })
    expect(forged.status).toBe(401)
    expect(await forged.json()).toMatchObject({ code: 'UNAUTHORIZED', reason: 'BAD_SIGNATURE' })
  })

  it('answers 403 for another user’s id and 404 for another user’s session', async () => {
    const alice = await signedIn()
    const bob = await signedIn()
    const foreign = await alice.client.request(`/api/users/${bob.userId}/sessions`)
    expect(foreign.status).toBe(403)
    expect((await foreign.json()).code).toBe('FORBIDDEN')

    const bobSessions = await bob.client.request(`/api/users/${bob.userId}/sessions`)
    const [bobSession] = ((await bobSessions.json()) as { sessions: { id: string }[] }).sessions
    const stolen = await alice.client.request(`/api/users/${alice.userId}/sessions/${bobSession!.id}`, {
      method: 'DELETE',
    })
    expect(stolen.status).toBe(404)
    expect((await stolen.json()).code).toBe('SESSION_NOT_FOUND')
    expect(await bob.client.session()).not.toBeNull()
  })

  it('refuses a state change by cookie from an untrusted origin, and allows it from the frontend', async () => {
    const { client, userId } = await signedIn()
    const headers = { origin: 'https://evil.example', cookie: client.cookieHeader() }
    const refused = await running.service.request(`/api/users/${userId}/sessions`, { method: 'DELETE', headers })
    expect(refused.status).toBe(403)
    expect((await refused.json()).code).toBe('UNTRUSTED_ORIGIN')

    const allowed = await client.request(`/api/users/${userId}/sessions`, { method: 'DELETE' })
    expect(allowed.status).toBe(200)
    expect(await allowed.json()).toEqual({ revoked: 0 })
  })
})

describe('the hand-off', () => {
  it('refuses a missing or untrusted callbackURL with a JSON 400', async () => {
    const missing = await running.service.request('/auth/handoff')
    expect(missing.status).toBe(400)
    expect((await missing.json()).code).toBe('INVALID_CALLBACK_URL')
    const untrusted = await running.service.request('/auth/handoff?callbackURL=https://evil.example/x')
    expect(untrusted.status).toBe(400)
    expect((await untrusted.json()).code).toBe('UNTRUSTED_CALLBACK_URL')
  })

  it('redirects with a one-time token when signed in, and with auth_error=no_session otherwise', async () => {
    const callback = encodeURIComponent(`${FRONTEND}/signed-in`)
    const anonymous = await running.service.request(`/auth/handoff?callbackURL=${callback}`, { redirect: 'manual' })
    expect(anonymous.status).toBe(302)
    expect(new URL(anonymous.headers.get('location')!).searchParams.get('auth_error')).toBe('no_session')

    const { client } = await signedIn()
    const handoff = await client.request(`/auth/handoff?callbackURL=${callback}`)
    expect(handoff.status).toBe(302)
    const ott = new URL(handoff.headers.get('location')!).searchParams.get('ott')
    expect(ott).toMatch(/\w{16,}/)
    const frontend = running.service.client()
    const verified = await frontend.request('/api/auth/one-time-token/verify', { json: { token: ott } })
    expect(verified.status).toBe(200)
    expect(await frontend.session()).not.toBeNull()
  })
})

describe('errors and configuration', () => {
  it('answers unknown auth routes and unknown routes with a JSON 404', async () => {
    for (const path of ['/api/auth/no-such-route', '/nowhere']) {
      const response = await running.service.request(path)
      expect(response.status).toBe(404)
      expect((await response.json()).code).toBe('NOT_FOUND')
    }
  })

  it('answers every route but the health routes with CONFIG_INVALID naming the variable, never its value', async () => {
    running.service.restart({ BETTER_AUTH_SECRET: 'short', BETTER_AUTH_URL: 'https://auth.example.com' })
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const response = await running.service.request('/api/auth/get-session')
    expect(response.status).toBe(500)
    const body = (await response.json()) as { code: string; problems: { variable: string }[] }
    expect(body.code).toBe('CONFIG_INVALID')
    expect(body.problems.map((p) => p.variable)).toEqual(['BETTER_AUTH_SECRET'])
    expect(JSON.stringify(body)).not.toContain('short')
    expect((await running.service.request('/health')).status).toBe(200)
    expect((await running.service.request('/health/auth')).status).toBe(503)
  })
})

describe('secret rotation', () => {
  it('accepts a cookie signed by the previous secret and sends it back re-signed', async () => {
    const { client } = await signedIn()
    const before = client.cookieHeader()
    running.service.restart({
      BETTER_AUTH_SECRET: undefined,
      BETTER_AUTH_SECRETS: `2:${randomBytes(32).toString('base64url')},1:${TEST_SECRET}`,
    })
    const response = await client.request('/api/auth/get-session')
    expect(response.status).toBe(200)
    expect(await response.json()).not.toBeNull()
    expect(response.headers.getSetCookie().some((line) => line.includes('session_token='))).toBe(true)
    expect(client.cookieHeader()).not.toBe(before)
    expect(await client.session()).not.toBeNull()
  })
})

describe('the null-session report', () => {
  it('diagnoses a null get-session after the response, once per reason and minute, without credentials in it', async () => {
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
      },
    ])
  })
})

describe('GET /health/session from any origin', () => {
  const UNTRUSTED = 'https://docs.untrusted.example'

  it('answers a trusted origin with credentialed CORS and the diagnosis of its credentials', async () => {
    const { client } = await signedIn()
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
    const { client, bearer } = await signedIn()
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
