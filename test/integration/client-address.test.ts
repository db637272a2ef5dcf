/**
 * Which header names the client for rate limiting (RATE_LIMIT on, 3 sign-in attempts per 10 s per
 * address): on Workers only CF-Connecting-IP, which Cloudflare overwrites, so X-Real-IP cannot buy
 * a fresh budget; elsewhere (the Node target) X-Real-IP, then X-Forwarded-For, as a proxy sets them.
 * Miniflare keeps a CF-Connecting-IP the client sends and sets 127.0.0.1 otherwise.
 */
import { describe, expect, it } from 'vitest'
import { uniqueEmail, useService } from '../support/service.ts'

const FRONTEND = 'http://localhost:3000'
const SIGN_IN_BUDGET = 3

/** One failed sign-in attempt (unknown email) from the address these headers name; its status. */
async function attempt(baseUrl: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { origin: FRONTEND, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email: uniqueEmail('nobody'), password: 'not the password' }),
  })
  await response.body?.cancel()
  return response.status
}

/** Spends a whole budget, then one more: the statuses, ending in 429 when the budget was this address's own. */
async function exhaust(baseUrl: string, headers: Record<string, string>): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i <= SIGN_IN_BUDGET; i += 1) statuses.push(await attempt(baseUrl, headers))
  return statuses
}

const SPENT = [401, 401, 401, 429]

// Rate limits live in each isolate's or process's memory; one database backend is enough.
describe('client address on Workers (workerd)', () => {
  const running = useService('pglite', { RATE_LIMIT: '' })

  it('ignores X-Real-IP and X-Forwarded-For, and gives each CF-Connecting-IP its own budget', async () => {
    const { url } = running.service
    expect(await exhaust(url, { 'x-real-ip': '198.51.100.1' })).toEqual(SPENT)
    // The same CF-Connecting-IP (127.0.0.1, as Miniflare sets it): other X-Real-IP / X-Forwarded-For do not help.
    expect(await attempt(url, { 'x-real-ip': '198.51.100.2' })).toBe(429)
    expect(await attempt(url, { 'x-forwarded-for': '198.51.100.3' })).toBe(429)
    expect(await exhaust(url, { 'cf-connecting-ip': '203.0.113.7' })).toEqual(SPENT)
    expect(await attempt(url, { 'cf-connecting-ip': '203.0.113.8' })).toBe(401)
  })
})

describe('client address off Workers (Node)', () => {
  const running = useService('pglite', { RATE_LIMIT: '' }, { target: 'node' })

  it('gives each X-Real-IP its own budget, and ignores CF-Connecting-IP', async () => {
    const { url } = running.service
    expect(await exhaust(url, { 'x-real-ip': '198.51.100.1' })).toEqual(SPENT)
    expect(await attempt(url, { 'x-real-ip': '198.51.100.1', 'cf-connecting-ip': '203.0.113.7' })).toBe(429)
    expect(await attempt(url, { 'x-real-ip': '198.51.100.2' })).toBe(401)
  })

  it('falls back to X-Forwarded-For without X-Real-IP', async () => {
    const { url } = running.service
    expect(await exhaust(url, { 'x-forwarded-for': '198.51.100.11' })).toEqual(SPENT)
    expect(await attempt(url, { 'x-forwarded-for': '198.51.100.12' })).toBe(401)
  })
})
