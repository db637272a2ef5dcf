/**
 * The session cache, in-process, on PGlite: a cookie client's get-session, the
 * guard and `/api/auth/token` need no round trip while the cache is fresh; the fast path answers
 * as BetterAuth answers the same request; revoking on this device clears the cache at once;
 * password change reads the database; a session revoked elsewhere is gone once the TTL passes.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { createContextResolver, type ServiceContext } from '../../src/context.ts'
import { readCredentials } from '../../src/credentials/request-credential.ts'
import { embeddedBackendNames } from '../support/backends.ts'
import type { TestClient } from '../support/client.ts'
import { answerRoundTrips } from '../support/round-trips.ts'
import { type TestService, uniqueEmail, useService } from '../support/service.ts'

const CACHE_COOKIE = 'better-auth.session_data'

async function signedIn(service: TestService<'in-process'>) {
  const tab = service.client()
  const response = await tab.signUp(uniqueEmail('cache'))
  expect(response.status).toBe(200)
  return { tab, userId: (await response.json()).user.id as string }
}

/** Round trips the answer of `run` waits for, with earlier background work settled first. */
async function roundTrips(service: TestService<'in-process'>, run: () => Promise<Response>) {
  const { trips } = await answerRoundTrips(service, async () => {
    const response = await run()
    expect(response.status).toBe(200)
    await response.arrayBuffer()
  })
  return trips
}

function contextOf(service: TestService<'in-process'>): ServiceContext {
  const result = createContextResolver({ waitUntil: () => {} })(service.bindings)
  if (!result.ok) throw new Error('invalid test configuration')
  return result.service
}

/** The fast path's answer to a request, with the request's credential read as the app reads it. */
async function fastAnswer(context: ServiceContext, request: Request) {
  const credentials = readCredentials(request.headers, (await context.sessionCookie).name, context.signer)
  return (await context.fastSession!)(request, credentials)
}

function getSessionRequest(tab: TestClient) {
  return new Request('http://localhost:8787/api/auth/get-session', {
    headers: { cookie: tab.cookieHeader(), origin: 'http://localhost:3000' },
  })
}

describe.each(embeddedBackendNames)('session cache on %s', (backendName) => {
  const running = useService(backendName, {}, { target: 'in-process' })

  it('sets the cache cookie with the session cookie’s attributes at sign-up', async () => {
    const tab = running.service.client()
    const response = await tab.signUp(uniqueEmail('cache'))
    const lines = response.headers.getSetCookie()
    const attributes = (name: string) =>
      lines
        .find((line) => line.startsWith(`${name}=`))
        ?.split(';')
        .slice(1)
        .map((a) => a.trim())
        .filter((a) => !a.startsWith('Max-Age'))
    expect(attributes(CACHE_COOKIE)).toEqual(attributes('better-auth.session_token'))
    expect(lines.find((line) => line.startsWith(`${CACHE_COOKIE}=`))).toContain('Max-Age=60')
  })

  it('sets no cache cookie for a bearer client, which could not use it', async () => {
    const { service } = running
    const signUp = await service.client().signUp(uniqueEmail('bearer'))
    const token = signUp.headers.get('set-auth-token')!
    const session = await service.request('/api/auth/get-session', { headers: { authorization: `Bearer ${token}` } })
    expect((await session.json()).user).toBeTruthy()
    expect(session.headers.getSetCookie()).toEqual([])
  })

  it('answers get-session, the guard and the token with no round trip while the cache is fresh', async () => {
    const { service } = running
    const { tab, userId } = await signedIn(service)
    await tab.session() // may create the signing key; the isolate keeps it for a minute
    const session = await tab.request('/api/auth/get-session')
    expect(session.headers.get('set-auth-jwt')).toBeTruthy()
    expect(session.headers.getSetCookie()).toEqual([])
    expect(await roundTrips(service, () => tab.request('/api/auth/get-session'))).toBe(0)
    expect(await roundTrips(service, () => tab.request('/api/auth/token'))).toBe(0)
    // The guard's session is free; listing the sessions is the route's own query.
    expect(await roundTrips(service, () => tab.request(`/api/users/${userId}/sessions`))).toBe(1)
    // BetterAuth reading the database, as asked: one trip, the session joined with its user.
    expect(await roundTrips(service, () => tab.request('/api/auth/get-session?disableCookieCache=true'))).toBe(1)
  })

  it('reuses the JWT it signed for a session on later cache hits, rather than signing each time', async () => {
    const { tab } = await signedIn(running.service)
    const first = (await tab.request('/api/auth/get-session')).headers.get('set-auth-jwt')
    expect(first).toBeTruthy()
    // Past a second boundary a new signature would carry another iat.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect((await tab.request('/api/auth/get-session')).headers.get('set-auth-jwt')).toBe(first)
  })

  it('answers from the fast path exactly as BetterAuth answers the same request', async () => {
    const { service } = running
    const { tab } = await signedIn(service)
    await tab.session()
    const context = contextOf(service)
    const fast = await fastAnswer(context, getSessionRequest(tab))
    const stock = await context.auth.handler(getSessionRequest(tab))
    expect(fast).not.toBeNull()
    expect(fast!.status).toBe(stock.status)
    expect(await fast!.text()).toBe(await stock.text())
    const headers = (response: Response) =>
      [...response.headers].filter(([name]) => name !== 'set-auth-jwt').sort(([a], [b]) => a.localeCompare(b))
    expect(headers(fast!)).toEqual(headers(stock))
    expect(fast!.headers.getSetCookie()).toEqual(stock.headers.getSetCookie())
    const fastJwt = fast!.headers.get('set-auth-jwt')!
    const stockJwt = stock.headers.get('set-auth-jwt')!
    expect(decodeProtectedHeader(fastJwt)).toEqual(decodeProtectedHeader(stockJwt))
    const { iat: fastIat, exp: fastExp, ...fastClaims } = decodeJwt(fastJwt)
    const { iat: stockIat, exp: stockExp, ...stockClaims } = decodeJwt(stockJwt)
    expect(fastClaims).toEqual(stockClaims)
    expect(fastExp! - fastIat!).toBe(stockExp! - stockIat!)
    expect(Math.abs(fastIat! - stockIat!)).toBeLessThanOrEqual(1)
  })

  it('leaves BetterAuth to answer without a valid cache: a tampered cache cookie is refused and cleared', async () => {
    const { service } = running
    const { tab } = await signedIn(service)
    const context = contextOf(service)
    const value = tab.cookies.get(CACHE_COOKIE)!
    tab.cookies.set(CACHE_COOKIE, `${value.slice(0, -2)}${value.endsWith('A') ? 'B' : 'A'}`)
    expect(await fastAnswer(context, getSessionRequest(tab))).toBeNull()
    expect(await roundTrips(service, () => tab.request('/api/auth/get-session'))).toBe(1)
    expect(await tab.session()).not.toBeNull()
    expect(await roundTrips(service, () => tab.request('/api/auth/get-session'))).toBe(0)
  })

  it('clears the cache when this device revokes its own session, through BetterAuth or the sessions API', async () => {
    const { service } = running
    const first = await signedIn(service)
    const body = (await (await first.tab.request('/api/auth/get-session')).json()) as { session: { token: string } }
    const revoke = await first.tab.request('/api/auth/revoke-session', { json: { token: body.session.token } })
    expect(revoke.status).toBe(200)
    expect(first.tab.cookies.has(CACHE_COOKIE)).toBe(false)
    expect(await first.tab.session()).toBeNull()

    const second = await signedIn(service)
    const current = (await second.tab.session())!.session.id
    const deleted = await second.tab.request(`/api/users/${second.userId}/sessions/${current}`, { method: 'DELETE' })
    expect(deleted.status).toBe(200)
    expect(second.tab.cookies.has(CACHE_COOKIE)).toBe(false)
    expect(await second.tab.session()).toBeNull()
  })

  it('reads the database for a password change, whatever the cache says', async () => {
    const { service } = running
    const email = uniqueEmail('cache')
    const tab = service.client()
    await tab.signUp(email)
    const other = service.client()
    await other.signIn(email)
    // Revoked elsewhere: the other tab's cache still holds it, the password change must not.
    const otherSession = (await other.session())!.session.id
    const revoked = await tab.request(`/api/users/${(await tab.session())!.user.id}/sessions/${otherSession}`, {
      method: 'DELETE',
    })
    expect(revoked.status).toBe(200)
    expect(await other.session()).not.toBeNull() // within the TTL, as the README says
    const change = await other.request('/api/auth/change-password', {
      json: { currentPassword: 'correct horse battery', newPassword: 'a brand new password' },
    })
    expect(change.status).toBe(401)
    expect((await service.client().signIn(email, 'a brand new password')).status).toBe(401)
  })
})

describe.each(embeddedBackendNames)('a short session cache on %s', (backendName) => {
  const running = useService(backendName, { SESSION_CACHE_TTL: '1' }, { target: 'in-process' })

  it('stops seeing a session revoked elsewhere once the TTL has passed', async () => {
    const { service } = running
    const email = uniqueEmail('cache')
    const tab = service.client()
    const { user } = await (await tab.signUp(email)).json()
    const other = service.client()
    await other.signIn(email)
    const otherSession = (await other.session())!.session.id
    await tab.request(`/api/users/${user.id}/sessions/${otherSession}`, { method: 'DELETE' })
    await sleep(1_100)
    expect(await other.session()).toBeNull()
    expect(other.cookies.has(CACHE_COOKIE)).toBe(false)
  })
})

describe.each(embeddedBackendNames)('no session cache (SESSION_CACHE_TTL=0) on %s', (backendName) => {
  const running = useService(backendName, { SESSION_CACHE_TTL: '0' }, { target: 'in-process' })

  it('sets no cache cookie and reads the database on every get-session', async () => {
    const { service } = running
    const { tab } = await signedIn(service)
    expect(tab.cookies.has(CACHE_COOKIE)).toBe(false)
    await tab.session() // may create the signing key
    expect(await roundTrips(service, () => tab.request('/api/auth/get-session'))).toBe(1)
    expect(contextOf(service).fastSession).toBeNull()
  })
})
