/**
 * The write path under faults, in-process, on every database backend: sign-up is one read and one
 * batch and leaves nothing behind when any of its statements fails; sign-out is one round trip and
 * fails closed; a database that hangs, drops, errors or answers with a proxy error gives a 503 JSON
 * with Retry-After on every route family, and the service recovers by itself.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { FaultAction } from '../../db/local-neon/index.ts'
import { backendNames, queryEndpoint } from '../support/backends.ts'
import { answerRoundTrips } from '../support/round-trips.ts'
import { uniqueEmail, useService } from '../support/service.ts'

/** The contract's bound on an answer while the database hangs (2.5 s deadline + headroom). */
const ANSWER_BOUND_MS = 3500

describe.each(backendNames)('the write path on %s', (backendName) => {
  const running = useService(backendName, {}, { target: 'in-process' })
  const endpoint = () => running.service.endpoint
  const rows = async (sql: string, email: string) => Number((await queryEndpoint(endpoint(), sql, [email]))[0]![0])
  const users = (email: string) => rows('select count(*) from "user" where email = $1', email)
  const accounts = (email: string) =>
    rows('select count(*) from account a join "user" u on u.id = a.user_id where u.email = $1', email)
  const sessions = (email: string) =>
    rows('select count(*) from session s join "user" u on u.id = s.user_id where u.email = $1', email)

  const roundTrips = (action: () => Promise<unknown>) => answerRoundTrips(running.service, action)

  afterEach(() => endpoint().faults.clear())

  it('signs up in two round trips: the existence check, then user + account + session in one batch', async () => {
    const email = uniqueEmail()
    const measured = await roundTrips(async () =>
      expect((await running.service.client().signUp(email)).status).toBe(200),
    )
    // In-process no client address is known, so no limit counter runs; where one is, the shared
    // limits add their one statement before these (README, Limits).
    expect(measured).toEqual({ trips: 2, batches: 1 })
    expect([await users(email), await accounts(email), await sessions(email)]).toEqual([1, 1, 1])
  })

  it('signs out in one round trip, and the session is gone', async () => {
    const tab = running.service.client()
    await tab.signUp(uniqueEmail())
    const stolen = tab.cookieHeader()
    const measured = await roundTrips(async () =>
      expect((await tab.request('/api/auth/sign-out', { method: 'POST', json: {} })).status).toBe(200),
    )
    expect(measured.trips).toBe(1)
    // From the database, not the session cache cookie the stolen header also carries (SESSION_CACHE_TTL).
    const replay = await running.service.request('/api/auth/get-session?disableCookieCache=true', {
      headers: { cookie: stolen },
    })
    expect(await replay.json()).toBeNull()
  })

  it.each(['insert into "user"', 'insert into "account"', 'insert into "session"'])(
    'leaves no row behind when %s fails, and the email signs up afterwards',
    async (statement) => {
      const email = uniqueEmail('atomic')
      endpoint().faults.inject({ match: statement, action: { kind: 'error' }, times: 1 })
      const failed = await running.service.client().signUp(email)
      expect(failed.status).toBeGreaterThanOrEqual(500)
      expect((await failed.json()).code).toMatch(/^[A-Z_]+$/)
      expect(failed.headers.getSetCookie()).toEqual([])
      expect([await users(email), await accounts(email), await sessions(email)]).toEqual([0, 0, 0])

      const tab = running.service.client()
      expect((await tab.signUp(email)).status).toBe(200)
      expect((await tab.session())?.user.email).toBe(email)
    },
  )

  it('answers a failed sign-out with 503, clears no cookie, and the session stays usable', async () => {
    const tab = running.service.client()
    const email = uniqueEmail()
    await tab.signUp(email)
    endpoint().faults.inject({ match: 'delete from "session"', action: { kind: 'error', code: '08006' }, times: 1 })
    const failed = await tab.request('/api/auth/sign-out', { method: 'POST', json: {} })
    expect(failed.status).toBe(503)
    expect(await failed.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' })
    expect(failed.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(failed.headers.getSetCookie()).toEqual([])
    expect((await tab.session())?.user.email).toBe(email)
    expect(await sessions(email)).toBe(1)
  })

  it('answers a failed revoke through the sessions API with 503 and revokes nothing', async () => {
    const tab = running.service.client()
    const email = uniqueEmail()
    await tab.signUp(email)
    await running.service.client().signIn(email)
    const me = (await tab.session())!
    endpoint().faults.inject({ match: 'delete from "session"', action: { kind: 'drop' }, times: 1 })
    const failed = await tab.request(`/api/users/${me.user.id}/sessions`, { method: 'DELETE' })
    expect(failed.status).toBe(503)
    // The connection dropped after the delete was sent: it may have been made.
    expect(await failed.json()).toMatchObject({ code: 'WRITE_OUTCOME_UNKNOWN' })
    expect(await sessions(email)).toBe(2)
  })

  const outages: [string, FaultAction][] = [
    ['hangs', { kind: 'hang' }],
    ['drops the connection', { kind: 'drop' }],
    ['answers 502 from its proxy', { kind: 'http', status: 502 }],
    ['fails inside Postgres', { kind: 'error', code: '57P01' }],
  ]

  it.each(outages)(
    'answers 503 JSON with Retry-After on every route family when the database %s',
    async (_label, action) => {
      const tab = running.service.client()
      const email = uniqueEmail()
      await tab.signUp(email)
      const me = (await tab.session())!
      endpoint().faults.inject({ action })
      const requests: [string, () => Promise<Response>][] = [
        ['sign-up', () => running.service.client().signUp(uniqueEmail())],
        ['sign-in', () => running.service.client().signIn(email)],
        ['sessions API', () => tab.request(`/api/users/${me.user.id}/sessions`)],
        ['get-session', () => tab.request('/api/auth/get-session?disableCookieCache=true')],
        ['sign-out', () => tab.request('/api/auth/sign-out', { method: 'POST', json: {} })],
      ]
      for (const [family, send] of requests) {
        const started = performance.now()
        const response = await send()
        expect(performance.now() - started, family).toBeLessThan(ANSWER_BOUND_MS)
        expect(response.status, family).toBe(503)
        expect(response.headers.get('content-type'), family).toContain('application/json')
        // A write sent and never confirmed may have been made: it says so, never "not done".
        const sentWrite = family === 'sign-out' && (action.kind === 'hang' || action.kind === 'drop')
        expect(await response.json(), family).toMatchObject({
          code: sentWrite ? 'WRITE_OUTCOME_UNKNOWN' : 'DATABASE_UNAVAILABLE',
        })
        expect(response.headers.get('retry-after'), family).toMatch(/^\d+$/)
      }
      // Recovery is automatic. (A statement abandoned at its deadline may still run once the database
      // answers again, so a timed-out sign-out can end the session later: 503 means "outcome unknown".)
      endpoint().faults.clear()
      const again = running.service.client()
      expect((await again.signIn(email)).status).toBe(200)
      expect((await again.session())?.user.email).toBe(email)
    },
  )

  it('answers a cache-hit get-session in a fresh isolate with the database down at once, and signs its JWT again once it is back', async () => {
    const tab = running.service.client()
    const email = uniqueEmail()
    await tab.signUp(email)
    // A deadline far beyond the test's own timeout: an answer at all shows nobody waited for it.
    await running.service.restart({ DATABASE_TIMEOUT_MS: '30000' })
    endpoint().faults.inject({ action: { kind: 'hang' } })
    for (let request = 0; request < 3; request++) {
      const response = await tab.request('/api/auth/get-session')
      expect(response.status, await response.clone().text()).toBe(200)
      expect((await response.json()).user.email).toBe(email)
      expect(response.headers.get('set-auth-jwt')).toBeNull()
    }
    endpoint().faults.clear()
    await running.service.settle()
    await expect
      .poll(async () => (await tab.request('/api/auth/get-session')).headers.get('set-auth-jwt'), { timeout: 5000 })
      .toBeTruthy()
  }, 20_000)
})
