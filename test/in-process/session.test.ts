/**
 * The foundation end to end, in-process, on PGlite: sign-up, sign-in,
 * get-session, sign-out, refusals that write nothing, account and session management, and
 * sessions that survive restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterAll, describe, expect, it } from 'vitest'
import { backendNamed, embeddedBackendNames, queryEndpoint } from '../support/backends.ts'
import { FULL_HEALTH, startService, TEST_SECRET, uniqueEmail, useService } from '../support/service.ts'

describe.each(embeddedBackendNames)('sessions on %s', (backendName) => {
  const running = useService(backendName, {}, { target: 'in-process' })
  const client = () => running.service.client()
  const countUsers = async (email: string) =>
    Number(
      (await queryEndpoint(running.service.endpoint, 'select count(*) from "user" where email = $1', [email]))[0]![0],
    )

  it('signs up, reads the session, signs out, and then reads null', async () => {
    const tab = client()
    const email = uniqueEmail()
    const signUp = await tab.signUp(email)
    expect(signUp.status).toBe(200)
    expect((await signUp.json()).user.email).toBe(email)
    expect((await tab.session())?.user.email).toBe(email)

    const signOut = await tab.request('/api/auth/sign-out', { method: 'POST', json: {} })
    expect(signOut.status).toBe(200)
    expect(await tab.session()).toBeNull()
  })

  it('signs in an existing user in a fresh tab', async () => {
    const email = uniqueEmail()
    await client().signUp(email)
    const tab = client()
    const signIn = await tab.signIn(email)
    expect(signIn.status).toBe(200)
    expect((await tab.session())?.user.email).toBe(email)
  })

  it('answers a wrong password and an unknown email alike: 401, no session', async () => {
    const email = uniqueEmail()
    await client().signUp(email)
    const wrongPassword = await client().signIn(email, 'not the password')
    const unknownEmail = await client().signIn(uniqueEmail('nobody'), 'not the password')
    expect(wrongPassword.status).toBe(401)
    expect(unknownEmail.status).toBe(401)
    expect(await wrongPassword.json()).toEqual(await unknownEmail.json())
  })

  it('refuses a duplicate email without creating a second user', async () => {
    const email = uniqueEmail()
    expect((await client().signUp(email)).status).toBe(200)
    const again = await client().signUp(email, 'another password 123')
    expect(again.status).toBeGreaterThanOrEqual(400)
    expect(again.status).toBeLessThan(500)
    expect(await countUsers(email)).toBe(1)
  })

  it.each([
    ['malformed JSON', { body: '{"email": "x@example.com", ', headers: { 'content-type': 'application/json' } }],
    ['a missing password', { json: { email: 'EMAIL', name: 'No Password' } }],
    ['a missing email', { json: { password: 'long enough password', name: 'No Email' } }],
    ['an invalid email', { json: { email: 'not-an-email', password: 'long enough password', name: 'Bad Email' } }],
    ['a 7-character password', { json: { email: 'EMAIL', password: '1234567', name: 'Short' } }],
    ['a 129-character password', { json: { email: 'EMAIL', password: 'p'.repeat(129), name: 'Long' } }],
  ])('answers %s with a 4xx JSON error and writes nothing', async (_label, init) => {
    const email = uniqueEmail('bad')
    const request = 'json' in init ? { json: JSON.parse(JSON.stringify(init.json).replace('EMAIL', email)) } : init
    const response = await client().request('/api/auth/sign-up/email', { method: 'POST', ...request })
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(await countUsers(email)).toBe(0)
  })

  it('accepts passwords of exactly 8 and 128 characters', async () => {
    expect((await client().signUp(uniqueEmail(), '12345678')).status).toBe(200)
    expect((await client().signUp(uniqueEmail(), 'p'.repeat(128))).status).toBe(200)
  })

  it('answers unknown routes with a JSON 404', async () => {
    for (const path of ['/nope', '/api/nope', '/api/auth/nope']) {
      const response = await client().request(path)
      expect(response.status, path).toBe(404)
      expect(response.headers.get('content-type'), path).toContain('application/json')
      expect((await response.json()).code, path).toBe('NOT_FOUND')
    }
  })

  it('reports a healthy /health/auth without revealing the secret', async () => {
    const response = await client().request('/health/auth', FULL_HEALTH)
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.secret).toMatchObject({
      present: true,
      length: 43,
      source: 'BETTER_AUTH_SECRET',
      fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/),
    })
    expect(body.database).toMatchObject({
      reachable: true,
      latencyMs: expect.any(Number),
      migrations: { applied: 3, expected: 3, pending: [] },
    })
    expect(JSON.stringify(body)).not.toContain(TEST_SECRET)
  })

  it('reads a session from the database, JWT header included, in one round trip: the session joined with its user', async () => {
    const tab = client()
    await tab.signUp(uniqueEmail())
    await tab.session() // the first JWT may create the signing key, then the isolate keeps it for a minute
    const { service } = running
    await service.settle() // earlier requests' background work must not count
    service.endpoint.resetStats()
    // Past the session cache (session-cache.test.ts), as a bearer client or an expired cache is.
    const response = await tab.request('/api/auth/get-session?disableCookieCache=true')
    expect((await response.json())?.user).toBeTruthy()
    expect(response.headers.get('set-auth-jwt')).toBeTruthy()
    const { total } = service.endpoint.stats()
    expect(total.queries + total.batches).toBe(1)
  })

  it('keeps /health free of database access', async () => {
    const { service } = running
    await service.settle() // earlier requests' background work must not count
    await fetch(`${service.endpoint.url.replace(/\/sql$/, '')}/_stats/reset`, { method: 'POST' })
    expect((await client().request('/health')).status).toBe(200)
    const stats = await (await fetch(`${service.endpoint.url.replace(/\/sql$/, '')}/_stats`)).json()
    expect(JSON.stringify(stats)).not.toMatch(/"queries":\s*[1-9]/)
  })

  it('changes the password: the old one stops working, the new one signs in', async () => {
    const email = uniqueEmail()
    const tab = client()
    await tab.signUp(email, 'first password 1')
    const change = await tab.request('/api/auth/change-password', {
      json: { currentPassword: 'first password 1', newPassword: 'second password 2', revokeOtherSessions: true },
    })
    expect(change.status).toBe(200)
    expect((await client().signIn(email, 'first password 1')).status).toBe(401)
    expect((await client().signIn(email, 'second password 2')).status).toBe(200)
  })

  it('refuses a password change with the wrong current password, changing nothing', async () => {
    const email = uniqueEmail()
    const tab = client()
    await tab.signUp(email, 'first password 1')
    const change = await tab.request('/api/auth/change-password', {
      json: { currentPassword: 'wrong password', newPassword: 'second password 2' },
    })
    expect(change.status).toBe(400)
    expect((await client().signIn(email, 'first password 1')).status).toBe(200)
  })

  it("lists the user's sessions and revokes one through BetterAuth's routes", async () => {
    const email = uniqueEmail()
    const first = client()
    await first.signUp(email)
    const second = client()
    await second.signIn(email)
    const sessions = await (await first.request('/api/auth/list-sessions')).json()
    expect(sessions).toHaveLength(2)
    const secondToken = (await second.session())!.session as unknown as { token: string }
    const revoke = await first.request('/api/auth/revoke-session', { json: { token: secondToken.token } })
    expect(revoke.status).toBe(200)
    second.forgetSessionCache()
    expect(await second.session()).toBeNull()
    expect(await first.session()).not.toBeNull()
  })

  it("ends every other session of the user through BetterAuth's revoke-other-sessions, and keeps the current one", async () => {
    const email = uniqueEmail('revoke')
    const current = client()
    expect((await current.signUp(email)).status).toBe(200)
    const others = [client(), client()]
    for (const other of others) expect((await other.signIn(email)).status).toBe(200)
    const bystander = client()
    await bystander.signUp(uniqueEmail('bystander'))

    const sessionIds = await Promise.all([current, ...others].map(async (t) => (await t.session())?.session.id))
    expect(new Set(sessionIds).size).toBe(3)

    const response = await current.request('/api/auth/revoke-other-sessions', { json: {} })
    expect(response.status, await response.clone().text()).toBe(200)
    expect(await response.json()).toEqual({ status: true })

    for (const other of others) other.forgetSessionCache()
    for (const other of others) expect(await other.session()).toBeNull()
    expect((await current.session())?.session.id).toBe(sessionIds[0])
    const listed = await (await current.request('/api/auth/list-sessions')).json()
    expect(listed.map((s: { id: string }) => s.id)).toEqual([sessionIds[0]])
    expect(await bystander.session()).not.toBeNull()
  })
})

describe.each(embeddedBackendNames)('restarts on %s', (backendName) => {
  const backend = backendNamed(backendName)
  const dataDir = mkdtempSync(`${tmpdir()}/edge-auth-restart-`)
  afterAll(async () => {
    await backend.cleanup()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps a session valid after the service and the database endpoint restart', async () => {
    const first = await startService(backend, {}, { target: 'in-process', dataDir })
    const tab = first.client()
    const email = uniqueEmail()
    try {
      expect((await tab.signUp(email)).status).toBe(200)
    } finally {
      await first.stop()
    }
    const cookie = tab.cookieHeader()

    const second = await startService(backend, {}, { target: 'in-process', dataDir })
    try {
      const again = second.client()
      const response = await again.request('/api/auth/get-session', { headers: { cookie } })
      expect((await response.json())?.user.email).toBe(email)
    } finally {
      await second.stop()
    }
  })
})
