/**
 * The client's address comes from the platform only (src/http/client-address.ts, the entries'
 * `clientAddress`): on Workers CF-Connecting-IP, on Vercel X-Real-IP, on Node the socket peer, or
 * behind proxies named in TRUST_PROXY the X-Forwarded-For hop they vouch for. No header a client
 * adds buys it a fresh budget. Locally the platform's own header is whatever the client sends
 * (Miniflare keeps a CF-Connecting-IP it is given; the Edge Runtime VM has no Vercel edge), so each
 * runtime is tried with every trick except its own header.
 *
 * The route is request-password-reset (3 per minute per address, each with a new recipient): a
 * minute's window leaves the tricks time to run.
 */
import { describe, expect, it } from 'vitest'
import { backendNames, queryEndpoint } from '../support/backends.ts'
import { startService, type TestService, uniqueEmail, useService } from '../support/service.ts'

const FRONTEND = 'http://localhost:3000'
const BUDGET = 3

/** One mail request (a new recipient each time) from the address these headers name; its status. */
async function attempt(service: TestService, headers: Record<string, string> | [string, string][] = {}) {
  const response = await service.request('/api/auth/request-password-reset', {
    method: 'POST',
    headers: new Headers([['origin', FRONTEND], ['content-type', 'application/json'], ...entries(headers)]),
    body: JSON.stringify({ email: uniqueEmail('nobody'), redirectTo: `${FRONTEND}/reset` }),
  })
  await response.body?.cancel()
  return response.status
}

function entries(headers: Record<string, string> | [string, string][]): [string, string][] {
  return Array.isArray(headers) ? headers : Object.entries(headers)
}

/** Spends the budget of the address these headers give (none: the platform's default). */
async function exhaust(service: TestService, headers: Record<string, string> = {}): Promise<void> {
  for (let i = 0; i < BUDGET; i += 1) expect(await attempt(service, headers)).not.toBe(429)
  expect(await attempt(service, headers)).toBe(429)
}

let counter = 0
const fresh = () => `198.51.100.${(counter++ % 250) + 1}`

/** Every header trick of the attack report (and a few more), each with a fresh forged address. */
function tricks(): Record<string, [string, string][]> {
  return {
    'rotating X-Forwarded-For': [['x-forwarded-for', fresh()]],
    'X-Forwarded-For with a list': [['x-forwarded-for', `${fresh()}, ${fresh()}`]],
    'two X-Forwarded-For lines': [
      ['x-forwarded-for', fresh()],
      ['x-forwarded-for', fresh()],
    ],
    'IPv6 X-Forwarded-For': [['x-forwarded-for', `2001:db8:${counter++}::1`]],
    'rotating X-Real-IP': [['x-real-ip', fresh()]],
    'rotating CF-Connecting-IP': [['cf-connecting-ip', fresh()]],
    'True-Client-IP': [['true-client-ip', fresh()]],
    'Forwarded for=': [['forwarded', `for=${fresh()};proto=https`]],
    'X-Client-IP': [['x-client-ip', fresh()]],
    'X-Cluster-Client-IP': [['x-cluster-client-ip', fresh()]],
    'Fastly-Client-IP': [['fastly-client-ip', fresh()]],
    'X-Forwarded and Forwarded-For': [
      ['x-forwarded', `for=${fresh()}`],
      ['forwarded-for', fresh()],
    ],
    'X-Vercel-Forwarded-For': [['x-vercel-forwarded-for', fresh()]],
    // Makes the app hand its routes a new Request (src/middleware/unreadable-cache.ts): the address must survive it.
    'an unreadable session cache cookie': [['cookie', `better-auth.session_data=%${counter++}`]],
  }
}

async function expectNoTrickHelps(
  service: TestService,
  base: Record<string, string>,
  platformHeaders: string[],
): Promise<void> {
  for (const [name, headers] of Object.entries(tricks())) {
    if (headers.some(([header]) => platformHeaders.includes(header))) continue
    expect(await attempt(service, [...Object.entries(base), ...headers]), name).toBe(429)
  }
}

/** The address hashes of a new user's events (sign-up, then one sign-in per header set), once all are written. */
async function recordedAddresses(
  service: TestService,
  signUpHeaders: Record<string, string>,
  ...signIns: Record<string, string>[]
) {
  const client = service.client()
  const email = uniqueEmail('address')
  const password = 'correct horse battery'
  const signUp = await client.request('/api/auth/sign-up/email', {
    json: { email, password, name: 'Address' },
    headers: signUpHeaders,
  })
  expect(signUp.status).toBe(200)
  const { user } = (await signUp.json()) as { user: { id: string } }
  for (const headers of signIns) {
    expect((await client.request('/api/auth/sign-in/email', { json: { email, password }, headers })).status).toBe(200)
  }
  // Events are written after the response: wait until every one is there.
  for (;;) {
    const response = await client.request(`/api/users/${user.id}/events?limit=100`)
    const { events } = (await response.json()) as { events: { addressHash: string | null }[] }
    if (events.length > signIns.length) return events.map((event) => event.addressHash).reverse()
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('client address on Workers (workerd): CF-Connecting-IP', () => {
  const running = useService('pglite', { RATE_LIMIT: '' })

  it('gives no header trick a fresh budget', async () => {
    const base = { 'cf-connecting-ip': '203.0.113.7' }
    await exhaust(running.service, base)
    await expectNoTrickHelps(running.service, base, ['cf-connecting-ip'])
    // The platform's address is the bucket: another one has its own budget.
    expect(await attempt(running.service, { 'cf-connecting-ip': '203.0.113.8' })).not.toBe(429)
  })

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', async () => {
    await exhaust(running.service, { 'cf-connecting-ip': '203.0.113.20' })
    expect(await attempt(running.service, { 'cf-connecting-ip': '::ffff:203.0.113.20' })).toBe(429)
  })

  it('groups IPv6 so a /56 gets 4 budgets and a /48 16, not one per /64', async () => {
    const in56 = (subnet: number) => ({ 'cf-connecting-ip': `2001:db8:7:${subnet.toString(16)}::1` })
    // Four /64s of one /56 (2001:db8:7:0::/56) spend its budget of 4 × 3 …
    for (let subnet = 0; subnet < 4; subnet += 1) await exhaust(running.service, in56(subnet))
    // … so a fifth /64 in it gets nothing, whatever its interface id,
    expect(await attempt(running.service, in56(0x20))).toBe(429)
    expect(await attempt(running.service, { 'cf-connecting-ip': '2001:db8:7:ff:1234:5678:9abc:def0' })).toBe(429)
    // while a /64 of another /56 in the same /48 still has its own.
    expect(await attempt(running.service, { 'cf-connecting-ip': '2001:db8:7:100::1' })).not.toBe(429)
  })
})

describe('client address on Vercel Edge: X-Real-IP', () => {
  const running = useService('pglite', { RATE_LIMIT: '' }, { target: 'vercel-edge' })

  it('gives no other header a fresh budget', async () => {
    const base = { 'x-real-ip': '203.0.113.9' }
    await exhaust(running.service, base)
    await expectNoTrickHelps(running.service, base, ['x-real-ip'])
  })
})

describe('client address on Node: the socket peer', () => {
  const running = useService('pglite', { RATE_LIMIT: '' }, { target: 'node' })

  it('ignores every forwarding header when TRUST_PROXY is unset', async () => {
    await exhaust(running.service)
    await expectNoTrickHelps(running.service, {}, [])
  })
})

describe("BetterAuth's recorded address on Node", () => {
  // Limits off: the recorded address is what is tested, and the socket peer's budget (the coarse
  // per-address limit included) is spent by the tricks above.
  const running = useService('pglite', { RATE_LIMIT: 'off' }, { target: 'node' })

  it("records the socket peer as BetterAuth's address, whatever X-Real-IP or X-Forwarded-For say", async () => {
    const hashes = await recordedAddresses(
      running.service,
      { 'x-real-ip': fresh() },
      { 'x-forwarded-for': fresh() },
      { 'x-real-ip': fresh(), 'x-forwarded-for': fresh() },
      {},
    )
    expect(hashes[0]).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(new Set(hashes).size).toBe(1)
  })

  it('records the socket peer for a sign-in on the hosted page, whatever address header the form sends', async () => {
    const { service } = running
    const client = service.client()
    const email = uniqueEmail('page-address')
    const password = 'correct horse battery'
    const signUp = await client.request('/api/auth/sign-up/email', { json: { email, password, name: 'Page' } })
    const { user } = (await signUp.json()) as { user: { id: string } }
    const signIn = await service.request('/sign-in', {
      method: 'POST',
      redirect: 'manual',
      headers: {
        origin: service.bindings.BETTER_AUTH_URL!,
        'content-type': 'application/x-www-form-urlencoded',
        // The header the service itself hands BetterAuth (src/middleware/client-address.ts), forged.
        'x-edge-auth-client-address': fresh(),
        'x-real-ip': fresh(),
      },
      body: new URLSearchParams({ email, password }).toString(),
    })
    expect(signIn.status).toBe(303)
    expect(signIn.headers.get('location')).not.toContain('error=')
    for (;;) {
      const response = await client.request(`/api/users/${user.id}/events?limit=100`)
      const { events } = (await response.json()) as { events: { addressHash: string | null }[] }
      if (events.length >= 2) {
        expect(events[0]!.addressHash).toMatch(/^[A-Za-z0-9_-]{43}$/)
        expect(new Set(events.map((event) => event.addressHash)).size).toBe(1)
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })
})

describe('client address on Node behind a proxy: TRUST_PROXY=loopback', () => {
  const running = useService('pglite', { RATE_LIMIT: '', TRUST_PROXY: 'loopback' }, { target: 'node' })

  it('takes the hop the proxy appended, so what a client prepends buys nothing', async () => {
    const base = { 'x-forwarded-for': '203.0.113.30' }
    await exhaust(running.service, base)
    expect(await attempt(running.service, { 'x-forwarded-for': `${fresh()}, 203.0.113.30` })).toBe(429)
    expect(await attempt(running.service, { 'x-forwarded-for': `${fresh()},203.0.113.30` })).toBe(429)
    await expectNoTrickHelps(running.service, base, ['x-forwarded-for'])
    // The proxy's word is the address: another client behind it has its own budget.
    expect(await attempt(running.service, { 'x-forwarded-for': '203.0.113.31' })).not.toBe(429)
  })

  it("records the client the proxy vouches for as BetterAuth's address, not X-Real-IP", async () => {
    const [signUp, same, forgedRealIp, other] = await recordedAddresses(
      running.service,
      { 'x-forwarded-for': '203.0.113.40' },
      { 'x-forwarded-for': '203.0.113.40' },
      { 'x-forwarded-for': '203.0.113.40', 'x-real-ip': fresh() },
      { 'x-forwarded-for': '203.0.113.41' },
    )
    expect(same).toBe(signUp)
    expect(forgedRealIp).toBe(signUp)
    expect(other).not.toBe(signUp)
    const stored = JSON.stringify(await queryEndpoint(running.service.endpoint, 'select * from auth_event'))
    expect(stored).not.toContain('203.0.113.4')
  })
})

describe.each(backendNames)('two Node processes on one database (%s)', (backendName) => {
  const running = useService(backendName, { RATE_LIMIT: '' }, { target: 'node' })

  it('share one budget', async () => {
    const second = await startService(running.service.endpoint, { RATE_LIMIT: '' }, { target: 'node' })
    try {
      expect(await attempt(running.service)).not.toBe(429)
      expect(await attempt(second)).not.toBe(429)
      expect(await attempt(running.service)).not.toBe(429)
      expect(await attempt(second)).toBe(429)
      expect(await attempt(running.service)).toBe(429)
    } finally {
      await second.stop()
    }
  })
})
