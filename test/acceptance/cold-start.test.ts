/**
 * Cold start: 32 concurrent first requests to a fresh isolate (get-session with and without a
 * session cookie, and sign-ins) all succeed with the right answer, on every target and backend.
 * The per-isolate setup (config, auth instance, cookie names, signing secrets) is shared by
 * concurrent requests: no "Cannot perform I/O on behalf of a different request", no 5xx, and
 * the database sees exactly the round trips the same requests cost one after another.
 */
import { beforeAll, expect, it } from 'vitest'
import type { LocalNeon, StatsSnapshot } from '../../db/local-neon/index.ts'
import { TestClient } from '../support/client.ts'
import { serviceBindings, uniqueEmail } from '../support/service.ts'
import { describeEveryBackendAndTarget, type RunningTarget, startTarget, type TargetName } from '../support/targets.ts'

const FRONTEND = 'http://localhost:3000'
const USERS = 4
/** The mix of first requests: 12 get-session with a cookie, 12 without, 8 sign-ins = 32. */
const MIX = [
  ...Array<'session'>(12).fill('session'),
  ...Array<'anonymous'>(12).fill('anonymous'),
  ...Array<'sign-in'>(8).fill('sign-in'),
]

interface SeededUser {
  readonly email: string
  readonly cookie: string
}

interface Outcome {
  readonly kind: (typeof MIX)[number]
  readonly status: number
  readonly body: string
  readonly expectedEmail: string | null
  readonly setsSessionCookie: boolean
}

function statsUrl(endpoint: LocalNeon, path = '/_stats'): string {
  return `${new URL(endpoint.url).origin}${path}`
}

async function resetStats(endpoint: LocalNeon): Promise<void> {
  const response = await fetch(statsUrl(endpoint, '/_stats/reset'), { method: 'POST' })
  expect(response.status).toBe(200)
}

async function readStats(endpoint: LocalNeon): Promise<StatsSnapshot['total']> {
  const response = await fetch(statsUrl(endpoint))
  expect(response.status).toBe(200)
  return ((await response.json()) as StatsSnapshot).total
}

/** Signs up `USERS` users through a throw-away instance, keeps their session cookies, and provisions the JWT signing key. */
async function seedUsers(name: TargetName, bindings: Record<string, string>): Promise<SeededUser[]> {
  const seeder = await startTarget(name, bindings)
  try {
    const users: SeededUser[] = []
    for (let i = 0; i < USERS; i++) {
      const browser = new TestClient(seeder.url, FRONTEND)
      const email = uniqueEmail(`cold-${name}`)
      expect((await browser.signUp(email)).status).toBe(200)
      users.push({ email, cookie: browser.cookieHeader() })
      // The first JWT ever issued creates the deployment's signing key, a database-wide step (not
      // per isolate) that concurrent first issues repeat today: done here so both runs start alike.
      expect((await browser.session())?.user.email).toBe(email)
    }
    return users
  } finally {
    await seeder.stop()
  }
}

/** Sends the i-th request of the mix to `target`. */
async function send(
  target: RunningTarget,
  users: SeededUser[],
  kind: (typeof MIX)[number],
  i: number,
): Promise<Outcome> {
  const user = users[i % users.length]!
  const browser = new TestClient(target.url, FRONTEND)
  let response: Response
  let expectedEmail: string | null = null
  if (kind === 'sign-in') {
    response = await browser.signIn(user.email)
    expectedEmail = user.email
  } else if (kind === 'session') {
    response = await browser.request('/api/auth/get-session', { headers: { cookie: user.cookie } })
    expectedEmail = user.email
  } else {
    response = await browser.request('/api/auth/get-session')
  }
  const setsSessionCookie = response.headers.getSetCookie().some((line) => /session_token=[^;]+/.test(line))
  return { kind, status: response.status, body: await response.text(), expectedEmail, setsSessionCookie }
}

function expectCorrect(outcomes: Outcome[]): void {
  for (const [i, outcome] of outcomes.entries()) {
    const label = `request ${i} (${outcome.kind}): ${outcome.status} ${outcome.body.slice(0, 300)}`
    expect(outcome.body, label).not.toContain('Cannot perform I/O')
    expect(outcome.status, label).toBe(200)
    const body = JSON.parse(outcome.body) as { user?: { email: string } } | null
    if (outcome.expectedEmail === null) expect(body, label).toBeNull()
    else expect(body?.user?.email, label).toBe(outcome.expectedEmail)
    if (outcome.kind === 'sign-in') expect(outcome.setsSessionCookie, label).toBe(true)
  }
}

describeEveryBackendAndTarget('cold start on %s', (targetName, database) => {
  let bindings: Record<string, string>
  let users: SeededUser[]
  /** Round trips of the whole mix sent one request at a time to a fresh isolate. */
  let sequential: StatsSnapshot['total']

  beforeAll(async () => {
    bindings = serviceBindings(database.endpoint, { TRUSTED_ORIGINS: FRONTEND })
    users = await seedUsers(targetName, bindings)
    const target = await startTarget(targetName, bindings)
    try {
      await resetStats(database.endpoint)
      const outcomes: Outcome[] = []
      for (const [i, kind] of MIX.entries()) outcomes.push(await send(target, users, kind, i))
      expectCorrect(outcomes)
      sequential = await readStats(database.endpoint)
    } finally {
      await target.stop()
    }
  })

  it('answers 32 concurrent first requests to a fresh isolate correctly, with no duplicated database work', async () => {
    const target = await startTarget(targetName, bindings)
    try {
      await resetStats(database.endpoint)
      const outcomes = await Promise.all(MIX.map((kind, i) => send(target, users, kind, i)))
      expectCorrect(outcomes)
      const concurrent = await readStats(database.endpoint)
      expect(concurrent.errors).toBe(0)
      expect(sequential.queries + sequential.batches).toBeGreaterThan(0)
      expect({
        queries: concurrent.queries,
        batches: concurrent.batches,
        batchedQueries: concurrent.batchedQueries,
      }).toEqual({
        queries: sequential.queries,
        batches: sequential.batches,
        batchedQueries: sequential.batchedQueries,
      })
    } finally {
      await target.stop()
    }
  })
})
