/**
 * One stolen session must not yield the others: no answer carries another session's token, and a
 * token without its signature is not a credential.
 */
import { describe, expect, it } from 'vitest'
import { HEADERS } from '../../src/http/headers.ts'
import { uniqueEmail, useService } from '../support/service.ts'

const running = useService('pglite', {}, { target: 'in-process' })

describe('session tokens', () => {
  it('are not in list-sessions', async () => {
    const email = uniqueEmail()
    const first = running.service.client()
    expect((await first.signUp(email)).status).toBe(200)
    const second = running.service.client()
    expect((await second.signIn(email)).status).toBe(200)

    const response = await first.request('/api/auth/list-sessions')
    expect(response.status).toBe(200)
    const sessions = (await response.json()) as Record<string, unknown>[]
    expect(sessions).toHaveLength(2)
    for (const session of sessions) {
      expect(session).not.toHaveProperty('token')
      expect(session).toHaveProperty('id')
    }
    expect(JSON.stringify(sessions)).not.toContain(
      decodeURIComponent(second.cookieHeader().split('=')[1]!).split('.')[0],
    )
  })

  it('work as bearer credentials only with their signature', async () => {
    const response = await running.service.client().signUp(uniqueEmail())
    const signed = response.headers.get(HEADERS.sessionToken)!
    const raw = signed.slice(0, signed.lastIndexOf('.'))
    const bearer = (token: string) =>
      running.service.request('/api/auth/get-session', { headers: { authorization: `Bearer ${token}` } })
    expect(await (await bearer(signed)).json()).toMatchObject({ session: { id: expect.any(String) } })
    expect(await (await bearer(raw)).json()).toBeNull()
  })

  it('a JWT manages sessions only while its own session is live', async () => {
    const client = running.service.client()
    const signUp = await client.signUp(uniqueEmail())
    const { user } = (await signUp.json()) as { user: { id: string } }
    const { token } = (await (await client.request('/api/auth/token')).json()) as { token: string }
    const withJwt = (method: string) =>
      running.service.request(`/api/users/${user.id}/sessions`, {
        method,
        headers: { authorization: `Bearer ${token}` },
      })
    expect((await withJwt('GET')).status).toBe(200)

    expect((await client.request('/api/auth/sign-out', { json: {} })).status).toBe(200)
    for (const method of ['GET', 'DELETE']) {
      const refused = await withJwt(method)
      expect(refused.status).toBe(401)
      expect(await refused.json()).toMatchObject({ code: 'UNAUTHORIZED', reason: 'SESSION_ENDED' })
    }
  })

  it('a stale bearer token beside a live cookie is what the diagnosis names, as it is what BetterAuth reads', async () => {
    const email = uniqueEmail()
    const stale = running.service.client()
    const staleToken = (await stale.signUp(email)).headers.get(HEADERS.sessionToken)!
    await stale.request('/api/auth/sign-out', { json: {} })
    const live = running.service.client()
    await live.signIn(email)
    const headers = { authorization: `Bearer ${staleToken}`, cookie: live.cookieHeader() }
    expect(await (await running.service.request('/api/auth/get-session', { headers })).json()).toBeNull()
    const diagnosis = await (await running.service.request('/health/session', { headers })).json()
    expect(diagnosis).toMatchObject({ status: 'not_found', credential: 'bearer' })
  })
})
