/**
 * The auth event log, in-process on PGlite: each event type recorded with its
 * outcome and user, written after the response and never failing it, listed to its own user only
 * (paginated), the client address kept only as a keyed hash, and the retention prune.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { embeddedBackendNames, queryEndpoint } from '../support/backends.ts'
import { TEST_SECRET, type TestService, uniqueEmail, useService } from '../support/service.ts'

const CRON_SECRET = randomBytes(32).toString('base64url')
const ADDRESS = '203.0.113.7'

interface EventView {
  id: string
  type: string
  outcome: string
  createdAt: string
  addressHash: string | null
  userAgent: string | null
}

async function signedUp(service: TestService<'in-process'>, headers: Record<string, string> = {}) {
  const client = service.client()
  const email = uniqueEmail('events')
  const response = await client.request('/api/auth/sign-up/email', {
    json: { email, password: 'correct horse battery', name: 'Events' },
    headers,
  })
  expect(response.status).toBe(200)
  const { user } = (await response.json()) as { user: { id: string } }
  return { client, email, userId: user.id }
}

async function eventsOf(service: TestService<'in-process'>, client: ReturnType<TestService['client']>, userId: string) {
  await service.settle()
  const response = await client.request(`/api/users/${userId}/events?limit=100`)
  expect(response.status).toBe(200)
  return ((await response.json()) as { events: EventView[] }).events
}

/** Event types and outcomes, oldest first. */
function kinds(events: EventView[]): string[] {
  return events.map((e) => `${e.type}:${e.outcome}`).reverse()
}

describe.each(embeddedBackendNames)('auth event log on %s', (backendName) => {
  const running = useService(backendName, { CRON_SECRET }, { target: 'in-process' })
  afterEach(() => {
    running.service.endpoint.faults.clear()
    vi.restoreAllMocks()
  })

  it('records sign-up, sign-in ok and failed, token issued and sign-out, each with its user', async () => {
    const { service } = running
    const { client, email, userId } = await signedUp(service)
    expect((await service.client().signIn(email, 'wrong password!')).status).toBe(401)
    const other = service.client()
    expect((await other.signIn(email)).status).toBe(200)
    expect((await other.request('/api/auth/token')).status).toBe(200)
    expect((await other.request('/api/auth/sign-out', { json: {} })).status).toBe(200)
    expect(kinds(await eventsOf(service, client, userId))).toEqual([
      'sign_up:ok',
      'sign_in:failed',
      'sign_in:ok',
      'token_issued:ok',
      'sign_out:ok',
    ])
  })

  it('records a password change and the other sessions it revokes, and revocations by BetterAuth and by the sessions API', async () => {
    const { service } = running
    const { client, email, userId } = await signedUp(service)
    const second = service.client()
    expect((await second.signIn(email)).status).toBe(200)
    const changed = await client.request('/api/auth/change-password', {
      json: { currentPassword: 'correct horse battery', newPassword: 'another horse battery' },
    })
    expect(changed.status).toBe(200)
    expect(kinds(await eventsOf(service, client, userId))).toEqual([
      'sign_up:ok',
      'sign_in:ok',
      'session_revoked:ok',
      'password_change:ok',
    ])

    const third = service.client()
    expect((await third.signIn(email, 'another horse battery')).status).toBe(200)
    const fourth = service.client()
    expect((await fourth.signIn(email, 'another horse battery')).status).toBe(200)
    const thirdSession = (await third.session())!.session.id
    const revoked = await client.request(`/api/users/${userId}/sessions/${thirdSession}`, { method: 'DELETE' })
    expect(revoked.status).toBe(200)
    const fourthToken = (await fourth.session())!.session
    const list = (await (await client.request('/api/auth/list-sessions')).json()) as { id: string }[]
    expect(list.map((s) => s.id)).toContain(fourthToken.id)
    expect((await client.request('/api/auth/revoke-other-sessions', { json: {} })).status).toBe(200)
    const events = kinds(await eventsOf(service, client, userId))
    expect(events.slice(4)).toEqual(['sign_in:ok', 'sign_in:ok', 'session_revoked:ok', 'session_revoked:ok'])
  })

  it('records a password reset for the user whose token it was, and none for a refused token', async () => {
    const { service } = running
    const { client, email, userId } = await signedUp(service)
    const token = randomBytes(18).toString('base64url')
    await queryEndpoint(
      service.endpoint,
      `insert into verification (id, identifier, value, expires_at) values ($1, $2, $3, now() + interval '1 hour')`,
      [randomBytes(8).toString('hex'), `reset-password:${token}`, userId],
    )
    const reset = await service.client().request('/api/auth/reset-password', {
      json: { newPassword: 'reset horse battery', token },
    })
    expect(reset.status).toBe(200)
    const replay = await service.client().request('/api/auth/reset-password', {
      json: { newPassword: 'reset horse battery', token },
    })
    expect(replay.status).toBe(400)
    expect((await service.client().signIn(email, 'reset horse battery')).status).toBe(200)
    expect(kinds(await eventsOf(service, client, userId))).toEqual(
      expect.arrayContaining(['sign_up:ok', 'password_reset:ok', 'sign_in:ok']),
    )
    expect(kinds(await eventsOf(service, client, userId))).not.toContain('password_reset:failed')
  })

  it('keeps a failed sign-in of an unknown email, and a failed sign-up of a taken one, without a user', async () => {
    const { service } = running
    const { client, email, userId } = await signedUp(service)
    const unknown = uniqueEmail('nobody')
    expect((await service.client().signIn(unknown, 'whatever password')).status).toBe(401)
    expect((await service.client().signUp(email, 'some other password')).status).toBe(422)
    await service.settle()
    const rows = await queryEndpoint(
      service.endpoint,
      `select type, outcome, user_id from auth_event where created_at > now() - interval '1 minute' and user_id is null order by created_at`,
    )
    expect(rows).toEqual(
      expect.arrayContaining([
        ['sign_in', 'failed', null],
        ['sign_up', 'failed', null],
      ]),
    )
    // The owner of the taken email sees only their own sign-up: a stranger's attempt names nobody.
    expect(kinds(await eventsOf(service, client, userId))).toEqual(['sign_up:ok'])
  })

  // The platform's address (one per target) is what is hashed: the in-process target knows none, so
  // different addresses giving different hashes is tested where they exist (test/integration/client-address.test.ts).
  it('stores a keyed hash of the address (the same for the same client) and a bounded user agent', async () => {
    const { service } = running
    const headers = { 'x-real-ip': ADDRESS, 'user-agent': `Agent/${'x'.repeat(1000)}` }
    const { client, email, userId } = await signedUp(service, headers)
    expect(
      (
        await service
          .client()
          .request('/api/auth/sign-in/email', { json: { email, password: 'correct horse battery' }, headers })
      ).status,
    ).toBe(200)
    const [same, first] = await eventsOf(service, client, userId)
    expect(first!.addressHash).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(same!.addressHash).toBe(first!.addressHash)
    expect(first!.userAgent).toHaveLength(256)
    const stored = await queryEndpoint(
      service.endpoint,
      'select address_hash, user_agent from auth_event where user_id = $1',
      [userId],
    )
    const text = JSON.stringify(stored)
    expect(text).not.toContain(ADDRESS)
    expect(text).not.toContain(TEST_SECRET)
  })

  it('lists only the caller’s own events, newest first, a page at a time', async () => {
    const { service } = running
    const { client, email, userId } = await signedUp(service)
    for (let i = 0; i < 4; i++) expect((await service.client().signIn(email)).status).toBe(200)
    await service.settle()
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `?limit=2&before=${cursor}` : '?limit=2'
      const response = await client.request(`/api/users/${userId}/events${query}`)
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('no-store')
      const page = (await response.json()) as { events: EventView[]; nextCursor: string | null }
      expect(page.events.length).toBeLessThanOrEqual(2)
      seen.push(...page.events.map((e) => e.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toHaveLength(5)
    expect(new Set(seen).size).toBe(5)
    const all = await eventsOf(service, client, userId)
    expect(all.map((e) => e.id)).toEqual(seen)
    expect(all.at(-1)!.type).toBe('sign_up')

    const stranger = await signedUp(service)
    const forbidden = await stranger.client.request(`/api/users/${userId}/events`)
    expect(forbidden.status).toBe(403)
    expect(await forbidden.json()).toMatchObject({ code: 'FORBIDDEN' })
    expect((await service.client().request(`/api/users/${userId}/events`)).status).toBe(401)
    for (const query of ['?limit=0', '?limit=101', '?limit=x', '?before=garbage']) {
      const bad = await client.request(`/api/users/${userId}/events${query}`)
      expect(bad.status).toBe(400)
      expect(await bad.json()).toMatchObject({ code: 'INVALID_PAGINATION' })
    }
  })

  it('never fails or holds the request when the event cannot be written, and logs that without the event’s data', async () => {
    const { service } = running
    const { email } = await signedUp(service)
    await service.settle()
    const warnings: string[] = []
    vi.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line))
    service.endpoint.faults.inject({ match: 'insert into "auth_event"', action: { kind: 'error' } })
    const response = await service.client().signIn(email)
    expect(response.status).toBe(200)
    await service.settle()
    const line = warnings.find((w) => w.includes('auth_event_not_recorded'))
    expect(line).toBeDefined()
    expect(JSON.parse(line!)).toMatchObject({ event: 'auth_event_not_recorded', type: 'sign_in', outcome: 'ok' })
    expect(line).not.toContain(email)
  })

  it('keeps a deleted user’s events without the user id until the prune', async () => {
    const { service } = running
    const { client, userId } = await signedUp(service)
    const ids = (await eventsOf(service, client, userId)).map((e) => e.id)
    expect(ids).toHaveLength(1)
    await queryEndpoint(service.endpoint, 'delete from "user" where id = $1', [userId])
    const left = await queryEndpoint(service.endpoint, 'select type, user_id from auth_event where id = $1', [ids[0]])
    expect(left).toEqual([['sign_up', null]])
  })

  it('prunes events older than AUTH_EVENT_RETENTION_DAYS through the cron route, with CRON_SECRET only', async () => {
    const { service } = running
    const { client, userId } = await signedUp(service)
    await service.settle()
    const old = randomBytes(8).toString('hex')
    const recent = randomBytes(8).toString('hex')
    await queryEndpoint(
      service.endpoint,
      `insert into auth_event (id, user_id, type, outcome, created_at) values
         ($1, $3, 'sign_in', 'ok', now() - interval '91 days'), ($2, $3, 'sign_in', 'ok', now() - interval '89 days')`,
      [old, recent, userId],
    )
    expect((await service.request('/api/cron/prune-auth-events')).status).toBe(401)
    const wrong = await service.request('/api/cron/prune-auth-events', {
      headers: { authorization: `Bearer ${TEST_SECRET}` },
    })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ code: 'INVALID_CRON_SECRET' })
    const mark = randomBytes(8).toString('hex')
    await queryEndpoint(
      service.endpoint,
      `insert into verification (id, identifier, value, expires_at) values
         ($1 || '-expired', $1, 'v', now() - interval '1 minute'), ($1 || '-live', $1, 'v', now() + interval '1 hour')`,
      [mark],
    )
    await queryEndpoint(
      service.endpoint,
      `insert into rate_limit (key, count, reset_at) values
         ($1 || '-expired', 1, now() - interval '1 minute'), ($1 || '-live', 1, now() + interval '1 hour')`,
      [mark],
    )
    const pruned = await service.request('/api/cron/prune-auth-events', {
      headers: { authorization: `Bearer ${CRON_SECRET}` },
    })
    expect(pruned.status).toBe(200)
    // The same prune deletes expired verification values and rate-limit counters, and keeps live ones.
    for (const table of ['verification', 'rate_limit']) {
      const column = table === 'verification' ? 'id' : 'key'
      const rows = await queryEndpoint(service.endpoint, `select ${column} from ${table} where ${column} like $1`, [
        `${mark}%`,
      ])
      expect(rows).toEqual([[`${mark}-live`]])
    }
    expect(((await pruned.json()) as { deleted: number }).deleted).toBeGreaterThanOrEqual(1)
    const ids = (await eventsOf(service, client, userId)).map((e) => e.id)
    expect(ids).toContain(recent)
    expect(ids).not.toContain(old)

    await service.restart({ CRON_SECRET: undefined, AUTH_EVENT_RETENTION_DAYS: '30' })
    try {
      expect(
        (await service.request('/api/cron/prune-auth-events', { headers: { authorization: `Bearer ${CRON_SECRET}` } }))
          .status,
      ).toBe(404)
    } finally {
      await service.restart()
    }
  })
})
