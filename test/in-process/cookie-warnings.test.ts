/**
 * Cookie settings that are valid but leave a trusted frontend without a session cookie, as
 * /health/auth and the doctor report them: a forced COOKIE_MODE=same-site facing other sites (an
 * error), and a loopback frontend trusted by a deployment elsewhere (a warning).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { runDoctor } from '../../src/doctor/checks.ts'
import { FULL_HEALTH, TEST_HEALTH_TOKEN, useService } from '../support/service.ts'

const SERVICE = 'https://auth.example.com'
const running = useService(
  'pglite',
  {
    BETTER_AUTH_URL: SERVICE,
    TRUSTED_ORIGINS: 'https://docs.example.com,http://localhost:3000',
    COOKIE_DOMAIN: 'example.com',
  },
  { target: 'in-process' },
)
// Each test starts from the bindings above.
afterEach(() => running.service.restart())

interface AuthHealth {
  cookies: { mode: string; attributes: Record<string, unknown>; warnings: { code: string; level: string }[] }
}

async function authHealth() {
  const response = await running.service.request('/health/auth', FULL_HEALTH)
  return { status: response.status, body: (await response.json()) as AuthHealth }
}

function doctor(origin: string) {
  return runDoctor({
    serviceUrl: SERVICE,
    origin,
    healthToken: TEST_HEALTH_TOKEN,
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input)
      return running.service.request(`${url.pathname}${url.search}`, init)
    },
  })
}

describe('a loopback origin on a deployment elsewhere', () => {
  it('keeps same-site cookies with COOKIE_DOMAIN, and /health/auth stays 200 with a warning', async () => {
    const { status, body } = await authHealth()
    expect(status).toBe(200)
    expect(body.cookies).toMatchObject({ mode: 'same-site', attributes: { sameSite: 'Lax', domain: 'example.com' } })
    expect(body.cookies.warnings).toEqual([
      expect.objectContaining({
        code: 'loopback_origin',
        level: 'warning',
        fix: expect.stringContaining('npm run dev'),
      }),
    ])
  })

  it('is named by the doctor, whose fixes name only what is set', async () => {
    const findings = await doctor('https://docs.example.com')
    const failed = findings.filter((f) => !f.ok)
    expect(failed).toEqual([
      expect.objectContaining({ check: 'cookie policy', message: expect.stringContaining('http://localhost:3000') }),
    ])
    expect(findings.map((f) => f.fix ?? '').join(' ')).not.toContain('COOKIE_MODE')
  })
})

describe('a forced COOKIE_MODE=same-site facing another site', () => {
  it('answers /health/auth 503 naming the origin whose Lax cookie is never sent, the doctor tells to remove it, and COOKIE_MODE=auto heals it', async () => {
    await running.service.restart({
      TRUSTED_ORIGINS: 'https://docs.example.com,https://me.github.io',
      COOKIE_DOMAIN: undefined,
      COOKIE_MODE: 'same-site',
    })
    const response = await running.service.request('/health/auth', FULL_HEALTH)
    const body = await response.json()
    expect(response.status).toBe(503)
    expect(body.status).toBe('error')
    expect(body.database).toMatchObject({ reachable: true, migrations: { pending: [] } })
    expect(body.cookies).toMatchObject({
      mode: 'same-site',
      modeSource: 'COOKIE_MODE',
      crossSiteOrigins: ['https://me.github.io'],
    })
    expect(body.cookies.warnings).toEqual([
      {
        code: 'cross_site_lax_cookie',
        level: 'error',
        message: expect.stringContaining('https://me.github.io is on another site'),
        fix: expect.stringContaining('Unset COOKIE_MODE'),
      },
    ])
    const findings = await doctor('https://me.github.io')
    expect(findings.filter((f) => !f.ok).map((f) => f.fix)).toContainEqual(
      expect.stringContaining('Remove COOKIE_MODE=same-site'),
    )

    await running.service.restart({
      TRUSTED_ORIGINS: 'https://docs.example.com,https://me.github.io',
      COOKIE_DOMAIN: undefined,
      COOKIE_MODE: 'auto',
    })
    const healed = await running.service.request('/health/auth', FULL_HEALTH)
    expect(healed.status).toBe(200)
    expect((await healed.json()).cookies).toMatchObject({ mode: 'cross-site', warnings: [] })
  })
})
