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
})
