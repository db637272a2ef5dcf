/**
 * The deployed default: the service's limits are on (3 sign-in attempts per 10 s per address,
 * counted in the database), answered with 429 JSON, so passwords cannot be guessed at full speed.
 */
import { describe, expect, it } from 'vitest'
import { uniqueEmail, useService } from '../support/service.ts'

// Both backends share the limits' code path; test/in-process/limits.test.ts covers each.
describe('rate limiting (RATE_LIMIT unset, as deployed)', () => {
  const running = useService('pglite', { RATE_LIMIT: '' })

  it('answers the 4th sign-in attempt within 10 s from one address with 429 JSON', async () => {
    const email = uniqueEmail()
    const statuses: number[] = []
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await running.service.client().request('/api/auth/sign-in/email', {
        json: { email, password: `guess number ${attempt}` },
      })
      statuses.push(response.status)
      if (response.status === 429) {
        expect(await response.json()).toEqual({ code: 'RATE_LIMITED', message: expect.any(String) })
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
      }
    }
    expect(statuses).toEqual([401, 401, 401, 429])

    // On Workers the address is CF-Connecting-IP, which Cloudflare sets: a forged X-Forwarded-For is no way out.
    const forged = await running.service.client().request('/api/auth/sign-in/email', {
      json: { email, password: 'from a forged address' },
      headers: { 'x-forwarded-for': '198.51.100.9' },
    })
    expect(forged.status).toBe(429)
  })

  it('counts a sign-in in the same round trip as its first read, and a refusal writes nothing', async () => {
    const email = uniqueEmail()
    await running.service.client('http://localhost:3000').signUp(email)
    const endpoint = running.service.endpoint
    // The after-response writes of the sign-up (its event) land before counting starts.
    await new Promise((resolve) => setTimeout(resolve, 300))
    endpoint.resetStats()
    const tab = running.service.client()
    const headers = { 'cf-connecting-ip': '203.0.113.77' }
    expect(
      (await tab.request('/api/auth/sign-in/email', { json: { email, password: 'correct horse battery' }, headers }))
        .status,
    ).toBe(200)
    const answered = endpoint.requests()
    const first = answered[0]!
    expect(first.some((sql) => sql.includes('rate_limit'))).toBe(true)
    expect(first.some((sql) => sql.includes('from "user"'))).toBe(true)
    expect(
      answered.filter((request) => request.some((sql) => sql.includes('rate_limit ')) && request.length === 1),
    ).toEqual([])

    for (let attempt = 0; attempt < 3; attempt++) {
      await tab.request('/api/auth/sign-in/email', { json: { email, password: `wrong ${attempt}` }, headers })
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    endpoint.resetStats()
    const refused = await tab.request('/api/auth/sign-in/email', {
      json: { email, password: 'another guess' },
      headers,
    })
    expect(refused.status).toBe(429)
    expect(refused.headers.getSetCookie()).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 300))
    const writes = endpoint
      .requests()
      .flat()
      .filter((sql) => /^\s*(insert|update|delete)/i.test(sql))
    expect(writes).toEqual([])
  })

  it('refuses a flood from one address at the edge without a database statement, and another address still signs in', async () => {
    const email = uniqueEmail()
    await running.service.client().signUp(email, 'correct horse battery', 'Flood Target')
    const endpoint = running.service.endpoint
    const flood = { 'cf-connecting-ip': '198.51.100.23' }
    const attempt = (headers: Record<string, string>, password: string) =>
      running.service.client().request('/api/auth/sign-in/email', { json: { email, password }, headers })
    for (let i = 0; i < 20; i++) await attempt(flood, `guess ${i}`)
    await new Promise((resolve) => setTimeout(resolve, 300))
    endpoint.resetStats()
    const refused = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(flood, `more ${i}`)))
    expect(refused.map((response) => response.status)).toEqual(Array(10).fill(429))
    expect(endpoint.requests()).toEqual([])
    // The account's own throttle has not seen 10 failures: 3 per address got through the per-route counter.
    expect((await attempt({ 'cf-connecting-ip': '203.0.113.200' }, 'correct horse battery')).status).toBe(200)
  })

  it('costs the database nothing for a made-up path under a counted prefix', async () => {
    const endpoint = running.service.endpoint
    await new Promise((resolve) => setTimeout(resolve, 300))
    endpoint.resetStats()
    for (let i = 0; i < 5; i++) {
      const response = await running.service.client().request(`/api/auth/sign-in/made-up-${i}`, {
        json: { email: 'someone@example.com', password: 'whatever it is' },
        headers: { 'cf-connecting-ip': '192.0.2.77' },
      })
      expect(response.status).toBe(404)
    }
    expect(endpoint.requests()).toEqual([])
  })
})
