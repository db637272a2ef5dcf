/**
 * Providers from configuration, in-process: GitHub and Google (their authorization URLs and
 * redirect URIs only: no network), `/health/auth` listing each enabled provider with its redirect
 * URI, a half-configured provider as CONFIG_INVALID naming it, and the doctor reading the OpenID
 * provider's discovery document (a real oidc-provider on loopback).
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { embeddedBackendNames } from '../support/backends.ts'
import { startIdentityProvider, type TestIdentityProvider } from '../support/oidc-provider.ts'
import { FULL_HEALTH, TEST_HEALTH_TOKEN, useService } from '../support/service.ts'

const FRONTEND = 'https://docs.example.com'
const SOCIAL = {
  GITHUB_CLIENT_ID: 'Iv1.github-client',
  GITHUB_CLIENT_SECRET: 'github-secret-value',
  GOOGLE_CLIENT_ID: 'google-client.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'google-secret-value',
  TRUSTED_ORIGINS: FRONTEND,
}
const BIN = fileURLToPath(new URL('../../src/doctor/bin.ts', import.meta.url))

function doctor(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'doctor', ...args, '--health-token', TEST_HEALTH_TOKEN],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr })
      },
    )
  })
}

describe.each(embeddedBackendNames)('GitHub and Google from configuration (%s)', (backendName) => {
  const running = useService(backendName, SOCIAL, { target: 'in-process' })

  it.each([
    ['github', 'https://github.com/login/oauth/authorize', SOCIAL.GITHUB_CLIENT_ID],
    ['google', 'https://accounts.google.com/o/oauth2/v2/auth', SOCIAL.GOOGLE_CLIENT_ID],
  ])(
    '%s: the sign-in goes to its authorization endpoint with the redirect URI, PKCE and state',
    async (id, endpoint, clientId) => {
      const { service } = running
      const response = await service.request(`/auth/sign-in/${id}?callbackURL=${encodeURIComponent(`${FRONTEND}/`)}`)
      expect(response.status).toBe(302)
      const url = new URL(response.headers.get('location')!)
      expect(`${url.origin}${url.pathname}`).toBe(endpoint)
      expect(url.searchParams.get('client_id')).toBe(clientId)
      expect(url.searchParams.get('redirect_uri')).toBe(`${service.bindings.BETTER_AUTH_URL}/api/auth/callback/${id}`)
      expect(url.searchParams.get('code_challenge_method')).toBe('S256')
      expect(url.searchParams.get('state')).toBeTruthy()
      expect(response.headers.get('location')).not.toContain('secret-value')
    },
  )

  it('/health/auth lists the enabled providers with the redirect URI to register', async () => {
    const { service } = running
    const health = await (await service.request('/health/auth', FULL_HEALTH)).json()
    const base = service.bindings.BETTER_AUTH_URL
    expect(health.providers).toEqual({
      enabled: [
        { id: 'github', redirectURI: `${base}/api/auth/callback/github` },
        { id: 'google', redirectURI: `${base}/api/auth/callback/google` },
      ],
      accountLinking: 'verified-email',
    })
    expect(JSON.stringify(health)).not.toContain('secret-value')
  })
})

describe('a half-configured provider', () => {
  const running = useService(
    'pglite',
    { GITHUB_CLIENT_ID: 'Iv1.only-the-id', OIDC_ISSUER: 'http://idp.example.com' },
    {
      target: 'in-process',
    },
  )
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}))
  afterEach(() => vi.restoreAllMocks())

  it('is CONFIG_INVALID naming each missing or wrong variable', async () => {
    const response = await running.service.request('/api/auth/get-session')
    expect(response.status).toBe(500)
    const body = await response.json()
    expect(body.code).toBe('CONFIG_INVALID')
    expect(body.problems.map((p: { variable: string }) => p.variable).sort()).toEqual([
      'GITHUB_CLIENT_SECRET',
      'OIDC_CLIENT_ID',
      'OIDC_CLIENT_SECRET',
      'OIDC_ISSUER',
    ])
    expect(JSON.stringify(body)).not.toContain('only-the-id')
  })
})

describe('the doctor and the OpenID provider', () => {
  let idp: TestIdentityProvider
  const running = useService('pglite', { TRUSTED_ORIGINS: FRONTEND }, { target: 'in-process', host: '127.0.0.1' })
  beforeAll(async () => {
    idp = await startIdentityProvider([`${running.service.url}/api/auth/callback/oidc`])
    await running.service.restart(idp.bindings)
  })
  afterAll(() => idp?.close())

  it('shows the redirect URI and finds the discovery document', async () => {
    const { code, output } = await doctor(running.service.url, '--origin', FRONTEND)
    expect(output).toContain(
      `ok   provider oidc: enabled; its redirect URI (register it at the provider): ${running.service.url}/api/auth/callback/oidc`,
    )
    expect(output).toContain(`ok   OIDC discovery: ${idp.issuer}/.well-known/openid-configuration is reachable`)
    expect(code).toBe(0)
  })

  it('names an issuer whose discovery document does not answer', async () => {
    idp.up(false)
    try {
      const { code, output } = await doctor(running.service.url, '--origin', FRONTEND)
      expect(output).toMatch(/FAIL OIDC discovery: .*openid-configuration answered 503/)
      expect(output).toContain('fix: Check OIDC_ISSUER')
      expect(code).toBe(1)
    } finally {
      idp.up(true)
    }
  })
})
