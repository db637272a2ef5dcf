import { describe, expect, it } from 'vitest'
import type { EnvBindings } from './env.ts'
import { parseConfig } from './index.ts'

const SECRET = 'x'.repeat(16) + 'y'.repeat(16) + 'z'.repeat(8)
const valid: EnvBindings = {
  BETTER_AUTH_SECRET: SECRET,
  BETTER_AUTH_URL: 'https://auth.example.com',
  DATABASE_URL: 'postgresql://user:pw@db.example.com/app',
}

function problemsOf(env: EnvBindings) {
  const result = parseConfig(env)
  if (result.ok) throw new Error('expected problems')
  return result.problems
}

describe('parseConfig', () => {
  it('accepts a minimal valid environment with documented defaults', () => {
    const result = parseConfig(valid)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.config.baseURL).toBe('https://auth.example.com')
    expect(result.config.trustedOrigins).toEqual([])
    expect(result.config.jwt).toEqual({
      ttlSeconds: 900,
      issuer: 'https://auth.example.com',
      audience: 'https://auth.example.com',
    })
    expect(result.config.secrets).toEqual([{ version: null, value: SECRET, source: 'BETTER_AUTH_SECRET' }])
  })

  it('names every missing required variable at once, without values', () => {
    expect(
      problemsOf({})
        .map((p) => p.variable)
        .sort(),
    ).toEqual(['BETTER_AUTH_SECRET', 'BETTER_AUTH_URL', 'DATABASE_URL'])
  })

  it('refuses a short secret unless BETTER_AUTH_URL is localhost, never echoing it', () => {
    const short = 'abcdefghij0123456789'
    const problems = problemsOf({ ...valid, BETTER_AUTH_SECRET: short })
    expect(problems).toEqual([{ variable: 'BETTER_AUTH_SECRET', problem: expect.stringContaining('20 characters') }])
    expect(JSON.stringify(problems)).not.toContain(short)
    expect(parseConfig({ ...valid, BETTER_AUTH_SECRET: short, BETTER_AUTH_URL: 'http://localhost:8787' }).ok).toBe(true)
  })

  it("refuses BetterAuth's public default secret even on localhost", () => {
    const problems = problemsOf({
      ...valid,
      BETTER_AUTH_URL: 'http://localhost:8787',
      BETTER_AUTH_SECRET: 'better-auth-secret-12345678901234567890',
    })
    expect(problems[0]?.problem).toContain('public default secret')
  })

  it('parses BETTER_AUTH_SECRETS current first, with BETTER_AUTH_SECRET after them', () => {
    const result = parseConfig({ ...valid, BETTER_AUTH_SECRETS: `2:${'n'.repeat(40)}, 1:${'o'.repeat(40)}` })
    expect(result.ok && result.config.secrets.map((s) => s.version)).toEqual([2, 1, null])
  })

  it.each([
    ['2:', 'entry 1 is not'],
    [`2:${'a'.repeat(40)},2:${'b'.repeat(40)}`, 'version 2 appears twice'],
    [`x:${'a'.repeat(40)}`, 'entry 1 is not'],
  ])('rejects malformed BETTER_AUTH_SECRETS %#', (secrets, message) => {
    const problems = problemsOf({ ...valid, BETTER_AUTH_SECRETS: secrets })
    expect(problems.some((p) => p.variable === 'BETTER_AUTH_SECRETS' && p.problem.includes(message))).toBe(true)
  })

  it('rejects URLs of the wrong kind', () => {
    const problems = problemsOf({
      ...valid,
      BETTER_AUTH_URL: 'ftp://x',
      DATABASE_URL: 'mysql://x',
      NEON_HTTP_ENDPOINT: 'nope',
    })
    expect(problems.map((p) => p.variable)).toEqual(['BETTER_AUTH_URL', 'DATABASE_URL', 'NEON_HTTP_ENDPOINT'])
  })

  it('rejects a BETTER_AUTH_URL with a path', () => {
    expect(problemsOf({ ...valid, BETTER_AUTH_URL: 'https://example.com/auth' })[0]?.problem).toContain(
      'without a path',
    )
  })

  it('normalises trusted origins and names a malformed entry', () => {
    const result = parseConfig({ ...valid, TRUSTED_ORIGINS: ' HTTPS://Docs.Example.com/ ,https://*.example.com' })
    expect(result.ok && result.config.trustedOrigins.map((o) => o.value)).toEqual([
      'https://docs.example.com',
      'https://*.example.com',
    ])
    const problems = problemsOf({ ...valid, TRUSTED_ORIGINS: 'https://ok.example.com,https://x.example.com/path' })
    expect(problems).toEqual([
      { variable: 'TRUSTED_ORIGINS', problem: expect.stringContaining('https://x.example.com/path') },
    ])
  })

  it('names a wildcard over a public suffix as a TRUSTED_ORIGINS problem', () => {
    expect(problemsOf({ ...valid, TRUSTED_ORIGINS: 'https://docs.example.com,https://*.vercel.app' })).toEqual([
      {
        variable: 'TRUSTED_ORIGINS',
        problem: expect.stringContaining('"https://*.vercel.app" is a wildcard over the public suffix vercel.app'),
      },
    ])
  })

  it.each([
    ['900', 900],
    ['15m', 900],
    ['1h', 3600],
    ['45s', 45],
  ])('reads JWT_TTL %s', (ttl, seconds) => {
    const result = parseConfig({ ...valid, JWT_TTL: ttl })
    expect(result.ok && result.config.jwt.ttlSeconds).toBe(seconds)
  })

  it('turns rate limiting on unless RATE_LIMIT=off, and rejects other values', () => {
    expect(parseConfig(valid).ok && (parseConfig(valid) as { config: { rateLimit: boolean } }).config.rateLimit).toBe(
      true,
    )
    const off = parseConfig({ ...valid, RATE_LIMIT: 'off' })
    expect(off.ok && off.config.rateLimit).toBe(false)
    expect(problemsOf({ ...valid, RATE_LIMIT: 'sometimes' })[0]?.variable).toBe('RATE_LIMIT')
  })

  it('reads TRUST_PROXY as addresses and CIDRs, and names it when an entry is neither', () => {
    const parsed = parseConfig({ ...valid, TRUST_PROXY: '10.0.0.0/8, ::1' })
    expect(parsed.ok && parsed.config.trustProxy(Uint8Array.from([10, 1, 2, 3]))).toBe(true)
    expect(parsed.ok && parsed.config.trustProxy(Uint8Array.from([192, 0, 2, 1]))).toBe(false)
    const none = parseConfig(valid)
    expect(none.ok && none.config.trustProxy(Uint8Array.from([127, 0, 0, 1]))).toBe(false)
    expect(problemsOf({ ...valid, TRUST_PROXY: '10.0.0.0/8, proxy.internal' })).toEqual([
      { variable: 'TRUST_PROXY', problem: expect.stringContaining('CIDR') },
    ])
  })

  it('rejects an out-of-range JWT_TTL', () => {
    expect(problemsOf({ ...valid, JWT_TTL: '2d' })[0]?.variable).toBe('JWT_TTL')
  })

  it.each([
    [undefined, 60],
    ['0', 0],
    ['30s', 30],
    ['5m', 300],
  ])('reads SESSION_CACHE_TTL %s', (ttl, seconds) => {
    const result = parseConfig({ ...valid, SESSION_CACHE_TTL: ttl })
    expect(result.ok && result.config.sessionCacheSeconds).toBe(seconds)
  })

  it.each(['2h', '-1', 'soon'])('rejects SESSION_CACHE_TTL %s', (ttl) => {
    expect(problemsOf({ ...valid, SESSION_CACHE_TTL: ttl })[0]?.variable).toBe('SESSION_CACHE_TTL')
  })
})
