import { describe, expect, it } from 'vitest'
import { deriveCookiePolicy } from './cookie-policy.ts'
import { parseOriginPattern } from './origins.ts'

function derive(service: string, origins: string[], cookieDomain?: string, forcedMode?: string) {
  return deriveCookiePolicy({
    serviceUrl: new URL(service),
    origins: origins.map((o) => {
      const parsed = parseOriginPattern(o)
      if (!parsed.ok) throw new Error(parsed.problem)
      return parsed.pattern
    }),
    cookieDomain,
    forcedMode,
  })
}

describe('deriveCookiePolicy', () => {
  it('is same-site (Lax) when every frontend shares the registrable domain', () => {
    const { policy, problems } = derive('https://auth.example.com', [
      'https://docs.example.com',
      'https://*.example.com',
    ])
    expect(problems).toEqual([])
    expect(policy).toMatchObject({
      mode: 'same-site',
      sameSite: 'lax',
      secure: true,
      partitioned: false,
      crossSiteOrigins: [],
    })
  })

  it.each([
    ['https://auth.workers.dev', 'https://docs.pages.dev'],
    ['https://me-auth.vercel.app', 'https://me-docs.vercel.app'],
    ['https://auth.example.com', 'https://me.github.io'],
    ['https://auth.example.com', 'http://docs.example.com'],
  ])('is cross-site (None; Secure; Partitioned) for %s with %s', (service, origin) => {
    const { policy, problems } = derive(service, [origin])
    expect(problems).toEqual([])
    expect(policy).toMatchObject({
      mode: 'cross-site',
      sameSite: 'none',
      secure: true,
      partitioned: true,
      crossSiteOrigins: [origin],
    })
  })

  it.each([
    ['https://auth.example.com', 'https://*.me.github.io', 'cross-site'],
    ['https://auth.me.github.io', 'https://*.me.github.io', 'same-site'],
    ['https://auth.example.com', 'https://*.preview.example.com', 'same-site'],
  ])('judges %s with the wildcard %s by the site of its domain: %s', (service, origin, mode) => {
    expect(derive(service, [origin]).policy.mode).toBe(mode)
  })

  it('keeps plain http on localhost same-site and unsecured', () => {
    expect(derive('http://localhost:8787', ['http://localhost:3000']).policy).toMatchObject({
      mode: 'same-site',
      secure: false,
    })
  })

  it('allows cross-site on http://localhost (browsers treat it as secure)', () => {
    expect(derive('http://localhost:8787', ['http://127.0.0.1:3000']).problems).toEqual([])
  })

  it('refuses cross-site over plain http elsewhere', () => {
    expect(derive('http://auth.example.com', ['http://docs.other.com']).problems[0]?.variable).toBe('BETTER_AUTH_URL')
  })

  it('accepts COOKIE_DOMAIN that is a parent of the service and every frontend', () => {
    const { policy, problems } = derive('https://auth.example.com', ['https://docs.example.com'], '.Example.com')
    expect(problems).toEqual([])
    expect(policy.domain).toBe('example.com')
  })

  it.each([
    ['other.com', 'is not a parent of auth.example.com, docs.example.com'],
    ['docs.example.com', 'is not a parent of auth.example.com'],
    ['com', 'public suffix'],
  ])('rejects COOKIE_DOMAIN=%s', (domain, message) => {
    const { problems } = derive('https://auth.example.com', ['https://docs.example.com'], domain)
    expect(problems).toEqual([{ variable: 'COOKIE_DOMAIN', problem: expect.stringContaining(message) }])
  })

  it('rejects COOKIE_DOMAIN with COOKIE_MODE=cross-site even when every frontend is same-site', () => {
    expect(
      derive('https://auth.example.com', ['https://docs.example.com'], 'example.com', 'cross-site').problems,
    ).toEqual([{ variable: 'COOKIE_DOMAIN', problem: expect.stringContaining('COOKIE_MODE=cross-site') }])
  })

  it('refuses COOKIE_MODE=cross-site over plain http, naming the forced mode', () => {
    expect(derive('http://auth.example.com', ['http://docs.example.com'], undefined, 'cross-site').problems).toEqual([
      { variable: 'BETTER_AUTH_URL', problem: expect.stringContaining('COOKIE_MODE=cross-site') },
    ])
  })

  it('rejects COOKIE_DOMAIN when a frontend is on another site', () => {
    expect(derive('https://auth.example.com', ['https://docs.other.com'], 'example.com').problems[0]?.variable).toBe(
      'COOKIE_DOMAIN',
    )
  })

  it('lets COOKIE_MODE force a mode and rejects unknown ones', () => {
    expect(derive('https://auth.example.com', ['https://docs.other.com'], undefined, 'same-site').policy).toMatchObject(
      {
        mode: 'same-site',
        modeSource: 'COOKIE_MODE',
        sameSite: 'lax',
      },
    )
    expect(derive('https://auth.example.com', [], undefined, 'strict').problems[0]?.variable).toBe('COOKIE_MODE')
  })

  it('warns that COOKIE_MODE=same-site cannot work for the trusted origins on other sites', () => {
    const { policy, problems } = derive(
      'https://auth.example.com',
      ['https://docs.example.com', 'https://me.github.io', 'https://*.preview.other.com'],
      undefined,
      'same-site',
    )
    expect(problems).toEqual([])
    expect(policy.warnings).toEqual([
      {
        code: 'cross_site_lax_cookie',
        level: 'error',
        message: expect.stringContaining('https://me.github.io, https://*.preview.other.com are on another site'),
        fix: expect.stringContaining('Unset COOKIE_MODE'),
      },
    ])
    expect(policy.warnings[0]?.message).toContain('always null')
  })

  it.each([
    ['auto, whatever the frontends', 'https://auth.example.com', ['https://me.github.io'], undefined],
    [
      'same-site forced with same-site frontends',
      'https://auth.example.com',
      ['https://docs.example.com'],
      'same-site',
    ],
    [
      'cross-site forced with same-site frontends',
      'https://auth.example.com',
      ['https://docs.example.com'],
      'cross-site',
    ],
    ['cross-site forced with cross-site frontends', 'https://auth.example.com', ['https://me.github.io'], 'cross-site'],
  ])('has no warning for %s', (_label, service, origins, forced) => {
    expect(derive(service, origins, undefined, forced).policy.warnings).toEqual([])
  })

  describe('a loopback frontend on a deployment elsewhere', () => {
    it('keeps a same-site deployment same-site, with COOKIE_DOMAIN, and warns', () => {
      const { policy, problems } = derive(
        'https://auth.example.com',
        ['https://docs.example.com', 'http://localhost:3000'],
        'example.com',
      )
      expect(problems).toEqual([])
      expect(policy).toMatchObject({ mode: 'same-site', sameSite: 'lax', domain: 'example.com', crossSiteOrigins: [] })
      expect(policy.warnings).toEqual([
        {
          code: 'loopback_origin',
          level: 'warning',
          message: expect.stringContaining('http://localhost:3000 on a deployment at https://auth.example.com'),
          fix: expect.stringContaining('npm run dev'),
        },
      ])
    })

    it('is not what makes a deployment cross-site', () => {
      const alone = derive('https://auth.example.com', ['http://127.0.0.1:3000'])
      expect(alone.policy.mode).toBe('same-site')
      const withOther = derive('https://auth.example.com', ['http://localhost:3000', 'https://me.github.io'])
      expect(withOther.policy).toMatchObject({ mode: 'cross-site', crossSiteOrigins: ['https://me.github.io'] })
    })

    it('is an ordinary frontend when the service itself runs on loopback', () => {
      const { policy } = derive('http://localhost:8787', ['http://localhost:3000'])
      expect(policy.warnings).toEqual([])
      expect(policy.mode).toBe('same-site')
    })
  })
})
