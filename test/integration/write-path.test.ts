/**
 * The write path as deployed (workerd and Node, both databases): sign-up is one read and one batch
 * and leaves no row when one of its statements fails; a user an older version left without an
 * account gives its email back to the next sign-up; sign-out is one round trip and fails closed;
 * a hung database answers 503 JSON with Retry-After within the contract's bound, and recovery is
 * automatic. The in-process suite (test/in-process/write-path.test.ts) covers every fault kind.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { queryEndpoint } from '../support/backends.ts'
import { backendsAndTargets, uniqueEmail, useService } from '../support/service.ts'

/** The contract's bound on an answer while the database hangs (2.5 s deadline + headroom). */
const ANSWER_BOUND_MS = 3500

describe.each(backendsAndTargets(['workerd', 'node'] as const))('the write path on %s, %s', (backendName, target) => {
  const running = useService(backendName, {}, { target })
  const endpoint = () => running.service.endpoint
  const users = async (email: string) =>
    Number((await queryEndpoint(endpoint(), 'select count(*) from "user" where email = $1', [email]))[0]![0])
  /**
   * The requests an answer waits for, in two kinds: the shared limits' one statement (where the
   * limits are on and the client address known), and the rest. The event log's insert, written
   * after the response, is neither; nor is the prune a Node process runs as it starts (events,
   * expired verification values and counters).
   */
  const pruned = /^(with gone as \()?delete from "(auth_event|verification|rate_limit)"/
  const trips = () => {
    const requests = endpoint()
      .requests()
      .filter((sql) => !sql.some((q) => q.includes('"auth_event"') || pruned.test(q)))
    const isLimit = (sql: string[]) => sql.some((q) => q.includes('"rate_limit"'))
    return {
      trips: requests.filter((sql) => !isLimit(sql)).length,
      batches: endpoint().stats().total.batches,
      limits: requests.filter(isLimit).length,
    }
  }

  afterEach(() => endpoint().faults.clear())

  it('signs up in one read and one batch, and signs out in one round trip', async () => {
    const tab = running.service.client()
    endpoint().resetStats()
    expect((await tab.signUp(uniqueEmail())).status).toBe(200)
    // Test services run with RATE_LIMIT=off; with it on, sign-up adds the limits' one statement.
    expect(trips()).toEqual({ trips: 2, batches: 1, limits: 0 })
    endpoint().resetStats()
    expect((await tab.request('/api/auth/sign-out', { method: 'POST', json: {} })).status).toBe(200)
    expect(trips()).toEqual({ trips: 1, batches: 0, limits: 0 })
  })

  it('leaves no user behind when the account insert fails, and the email signs up afterwards', async () => {
    const email = uniqueEmail('atomic')
    endpoint().faults.inject({ match: 'insert into "account"', action: { kind: 'error' }, times: 1 })
    const failed = await running.service.client().signUp(email)
    expect(failed.status).toBe(503)
    expect(await users(email)).toBe(0)
    expect((await running.service.client().signUp(email)).status).toBe(200)
  })

  it('gives back the email of a user an older version left without an account, and never touches one with an account', async () => {
    const email = uniqueEmail('orphan')
    const orphan = `old-${randomBytes(8).toString('hex')}`
    await queryEndpoint(
      endpoint(),
      `insert into "user" (id, name, email, email_verified, created_at, updated_at)
       values ($1, 'Old', $2, false, now() - interval '1 day', now() - interval '1 day')`,
      [orphan, email],
    )
    const tab = running.service.client()
    endpoint().resetStats()
    const signUp = await tab.signUp(email)
    expect(signUp.status).toBe(200)
    // The existence check, the repair, the write batch (the event log's insert may follow later).
    expect(trips().batches).toBe(2)
    const created = (await signUp.json()).user.id
    expect(created).not.toBe(orphan)
    const ids = await queryEndpoint(endpoint(), 'select id from "user" where email = $1', [email])
    expect(ids).toEqual([[created]])
    const accounts = await queryEndpoint(endpoint(), 'select count(*) from account where user_id = $1', [created])
    expect(accounts).toEqual([['1']])
    expect((await tab.session())?.user.id).toBe(created)
    expect((await running.service.client().signIn(email)).status).toBe(200)

    await queryEndpoint(endpoint(), `update "user" set created_at = now() - interval '1 year' where id = $1`, [created])
    expect((await running.service.client().signUp(email, 'another password 2')).status).toBe(422)
    expect(await queryEndpoint(endpoint(), 'select id from "user" where email = $1', [email])).toEqual([[created]])
    expect((await tab.session())?.user.id).toBe(created)
  })

  it('fails sign-out closed: 503, no cookie cleared, the session still valid', async () => {
    const tab = running.service.client()
    await tab.signUp(uniqueEmail())
    endpoint().faults.inject({ match: 'delete from "session"', action: { kind: 'drop' }, times: 1 })
    const failed = await tab.request('/api/auth/sign-out', { method: 'POST', json: {} })
    expect(failed.status).toBe(503)
    expect(failed.headers.getSetCookie()).toEqual([])
    expect(await tab.session()).not.toBeNull()
  })

  it('answers 503 JSON with Retry-After while the database hangs, then recovers by itself', async () => {
    const email = uniqueEmail()
    const tab = running.service.client()
    await tab.signUp(email)
    endpoint().faults.inject({ action: { kind: 'hang' } })
    for (const send of [
      () => running.service.client().signIn(email),
      () => running.service.client().signUp(uniqueEmail()),
      () => tab.request('/api/auth/get-session?disableCookieCache=true'),
    ]) {
      const started = performance.now()
      const response = await send()
      expect(performance.now() - started).toBeLessThan(ANSWER_BOUND_MS)
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' })
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
    }
    endpoint().faults.clear()
    expect((await running.service.client().signIn(email)).status).toBe(200)
  })
})
