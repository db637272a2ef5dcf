/**
 * Cold start: 32 concurrent first requests to a fresh isolate (get-session with and without a
 * session cookie, and sign-ins) all succeed with the right answer, on every target and backend.
 * The per-isolate setup (config, auth instance, cookie names, signing secrets) is shared by
 * concurrent requests: no "Cannot perform I/O on behalf of a different request", no 5xx, and
 * the database sees exactly the round trips the same requests cost one after another.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { StatsSnapshot } from '../../db/local-neon/index.ts'
import {
  backendsAndTargets,
  deployedTargets,
  type TargetName,
  type TestService,
  uniqueEmail,
  useService,
} from '../support/service.ts'

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

/** Signs up `USERS` users through the service's first instance, keeps their session cookies, and provisions the JWT signing key. */
async function seedUsers(service: TestService, label: TargetName): Promise<SeededUser[]> {
  const users: SeededUser[] = []
  for (let i = 0; i < USERS; i++) {
    const browser = service.client(FRONTEND)
    const email = uniqueEmail(`cold-${label}`)
    expect((await browser.signUp(email)).status).toBe(200)
    users.push({ email, cookie: browser.cookieHeader() })
    // The first JWT ever issued creates the deployment's signing key, a database-wide step (not
    // per isolate): done here so both runs start alike, with the key in place.
    expect((await browser.session())?.user.email).toBe(email)
  }
  return users
}

/** Sends the i-th request of the mix to `target`. */
async function send(
  service: TestService,
  users: SeededUser[],
  kind: (typeof MIX)[number],
  i: number,
): Promise<Outcome> {
  const user = users[i % users.length]!
  const browser = service.client(FRONTEND)
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

describe.each(backendsAndTargets(deployedTargets))('cold start on %s, %s', (backendName, targetName) => {
  const running = useService(backendName, { TRUSTED_ORIGINS: FRONTEND }, { target: targetName })
  let users: SeededUser[]
  /** Round trips of the whole mix sent one request at a time to a fresh isolate. */
  let sequential: StatsSnapshot['total']

  /** A fresh isolate, with the endpoint's counters zeroed. */
  async function freshIsolate(): Promise<TestService> {
    const { service } = running
    await service.restart()
    service.endpoint.resetStats()
    return service
  }

  beforeAll(async () => {
    users = await seedUsers(running.service, targetName)
    const service = await freshIsolate()
    const outcomes: Outcome[] = []
    for (const [i, kind] of MIX.entries()) outcomes.push(await send(service, users, kind, i))
    expectCorrect(outcomes)
    sequential = service.endpoint.stats().total
  })

  it('answers 32 concurrent first requests to a fresh isolate correctly, with no duplicated database work', async () => {
    const service = await freshIsolate()
    const outcomes = await Promise.all(MIX.map((kind, i) => send(service, users, kind, i)))
    expectCorrect(outcomes)
    const concurrent = service.endpoint.stats().total
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
  })
})
