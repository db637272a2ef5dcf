/**
 * Account safety BetterAuth leaves to configuration: a password change signs the other sessions
 * out, verify-password is throttled like sign-in, and a callback URL with a control character is
 * refused before anything is written.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { queryEndpoint } from '../support/backends.ts'
import { uniqueEmail, useService } from '../support/service.ts'

const running = useService('pglite', {}, { target: 'in-process' })
afterEach(() => running.service.restart())

async function sessionsOf(email: string): Promise<number> {
  const rows = await queryEndpoint(
    running.service.endpoint,
    'select count(*) from session join "user" on "user".id = session.user_id where "user".email = $1',
    [email],
  )
  return Number(rows[0]![0])
}

describe('change-password', () => {
  it('signs out the other sessions unless asked to keep them', async () => {
    const email = uniqueEmail()
    const here = running.service.client()
    await here.signUp(email, 'first password 1')
    const elsewhere = running.service.client()
    await elsewhere.signIn(email, 'first password 1')

    const kept = await here.request('/api/auth/change-password', {
      json: { currentPassword: 'first password 1', newPassword: 'second password 2', revokeOtherSessions: false },
    })
    expect(kept.status).toBe(200)
    expect(await elsewhere.session()).not.toBeNull()

    const changed = await here.request('/api/auth/change-password', {
      json: { currentPassword: 'second password 2', newPassword: 'third password 3' },
    })
    expect(changed.status).toBe(200)
    elsewhere.forgetSessionCache()
    expect(await elsewhere.session()).toBeNull()
    expect(await here.session()).not.toBeNull()
  })
})

describe('callback URLs', () => {
  it.each(['\n', '\r', '\t', '\u0000'])('refuses one with %j before a session is written', async (character) => {
    const email = uniqueEmail()
    const client = running.service.client()
    await client.signUp(email)
    const before = await sessionsOf(email)
    const response = await running.service.client().request('/api/auth/sign-in/email', {
      json: { email, password: 'correct horse battery', callbackURL: `http://localhost:3000/${character}x` },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'INVALID_CALLBACK_URL' })
    expect(await sessionsOf(email)).toBe(before)
  })
})

describe('verify-password', () => {
  it('is throttled per session like sign-in per account: 10 wrong guesses, then 429, from any address', async () => {
    const client = running.service.client()
    await client.signUp(uniqueEmail())
    await running.service.restart({ RATE_LIMIT: 'on' })
    const guess = (i: number) =>
      client.request('/api/auth/verify-password', {
        json: { password: `wrong guess ${i}` },
        headers: { 'x-real-ip': `198.51.100.${i}`, 'x-forwarded-for': `203.0.113.${i}` },
      })
    for (let i = 0; i < 10; i += 1) expect((await guess(i)).status).toBe(400)
    const limited = await guess(10)
    expect(limited.status).toBe(429)
    // In the house shape, with the standard header.
    expect(await limited.json()).toEqual({ code: 'RATE_LIMITED', message: expect.any(String) })
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    // The right password waits too: the throttle cannot tell a guess from the owner.
    const owner = await client.request('/api/auth/verify-password', { json: { password: 'correct horse battery' } })
    expect(owner.status).toBe(429)
  })
})

describe('the sessions API', () => {
  it('takes a state change by cookie only with a trusted Origin, or else a trusted Referer', async () => {
    const signedIn = running.service.client()
    const { user } = (await (await signedIn.signUp(uniqueEmail())).json()) as { user: { id: string } }
    const revokeOthers = (headers: Record<string, string>) =>
      running.service.request(`/api/users/${user.id}/sessions`, {
        method: 'DELETE',
        headers: { cookie: signedIn.cookieHeader(), ...headers },
      })
    const untrusted: Record<string, string>[] = [{}, { referer: 'https://evil.example/page' }, { origin: 'null' }]
    for (const headers of untrusted) {
      const refused = await revokeOthers(headers)
      expect(refused.status, JSON.stringify(headers)).toBe(403)
      expect(await refused.json()).toMatchObject({ code: 'UNTRUSTED_ORIGIN' })
    }
    expect((await revokeOthers({ referer: 'http://localhost:3000/account' })).status).toBe(200)
    expect((await revokeOthers({ origin: 'http://localhost:3000' })).status).toBe(200)
  })
})
