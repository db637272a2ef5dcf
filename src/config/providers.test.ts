import { describe, expect, it } from 'vitest'
import { parseProviders, redirectURI } from './providers.ts'

const OIDC = { OIDC_ISSUER: 'https://login.example.com/', OIDC_CLIENT_ID: 'client', OIDC_CLIENT_SECRET: 'shh-secret' }

describe('parseProviders', () => {
  it('enables nothing and links verified emails by default', () => {
    expect(parseProviders({})).toEqual({
      config: { github: undefined, google: undefined, oidc: undefined, enabled: [], accountLinking: 'verified-email' },
      problems: [],
    })
  })

  it('enables each provider whose variables are all set', () => {
    const { config, problems } = parseProviders({
      GITHUB_CLIENT_ID: 'gh',
      GITHUB_CLIENT_SECRET: 'gh-secret',
      GOOGLE_CLIENT_ID: 'go',
      GOOGLE_CLIENT_SECRET: 'go-secret',
      ...OIDC,
    })
    expect(problems).toEqual([])
    expect(config.enabled).toEqual(['github', 'google', 'oidc'])
    expect(config.oidc).toEqual({
      issuer: 'https://login.example.com',
      discoveryUrl: 'https://login.example.com/.well-known/openid-configuration',
      clientId: 'client',
      clientSecret: 'shh-secret',
      scopes: ['openid', 'email', 'profile'],
    })
  })

  it('names the missing half of a provider, never a value', () => {
    const { config, problems } = parseProviders({
      GITHUB_CLIENT_ID: 'gh-id-value',
      GOOGLE_CLIENT_SECRET: 'go-secret-value',
    })
    expect(config.enabled).toEqual([])
    expect(problems).toEqual([
      { variable: 'GITHUB_CLIENT_SECRET', problem: expect.stringContaining('GitHub') },
      { variable: 'GOOGLE_CLIENT_ID', problem: expect.stringContaining('Google') },
    ])
    expect(JSON.stringify(problems)).not.toMatch(/gh-id-value|go-secret-value/)
  })

  it('names each missing OIDC variable', () => {
    expect(parseProviders({ OIDC_CLIENT_ID: 'client' }).problems.map((p) => p.variable)).toEqual([
      'OIDC_ISSUER',
      'OIDC_CLIENT_SECRET',
    ])
  })

  it('wants an https issuer, http only on loopback', () => {
    const problems = (issuer: string) => parseProviders({ ...OIDC, OIDC_ISSUER: issuer }).problems
    expect(problems('http://login.example.com')).toEqual([
      { variable: 'OIDC_ISSUER', problem: 'must be an https URL (http only for localhost)' },
    ])
    expect(problems('not a url')).toEqual([{ variable: 'OIDC_ISSUER', problem: 'is not a valid URL' }])
    expect(problems('https://login.example.com/?tenant=1')[0]?.variable).toBe('OIDC_ISSUER')
    for (const local of ['http://localhost:9000', 'http://127.0.0.1:9000/realms/test', 'http://[::1]:9000'])
      expect(problems(local)).toEqual([])
    expect(parseProviders({ ...OIDC, OIDC_ISSUER: 'https://kc.example.com/realms/app/' }).config.oidc?.issuer).toBe(
      'https://kc.example.com/realms/app',
    )
  })

  it('reads OIDC_SCOPES separated by spaces or commas, and wants openid among them', () => {
    expect(parseProviders({ ...OIDC, OIDC_SCOPES: 'openid email, groups' }).config.oidc?.scopes).toEqual([
      'openid',
      'email',
      'groups',
    ])
    expect(parseProviders({ ...OIDC, OIDC_SCOPES: 'email profile' }).problems).toEqual([
      { variable: 'OIDC_SCOPES', problem: 'must include openid' },
    ])
  })

  it('takes ACCOUNT_LINKING verified-email or off', () => {
    expect(parseProviders({ ACCOUNT_LINKING: 'off' }).config.accountLinking).toBe('off')
    expect(parseProviders({ ACCOUNT_LINKING: 'always' }).problems).toEqual([
      { variable: 'ACCOUNT_LINKING', problem: 'must be verified-email or off' },
    ])
  })
})

describe('redirectURI', () => {
  it("is BetterAuth's callback route for the provider", () => {
    expect(redirectURI('https://auth.example.com', 'github')).toBe('https://auth.example.com/api/auth/callback/github')
  })
})
