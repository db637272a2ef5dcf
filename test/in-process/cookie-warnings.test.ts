/**
 * Cookie settings that are valid but leave a trusted frontend without a session cookie, as
 * /health/auth and the doctor report them: a forced COOKIE_MODE=same-site facing other sites (an
 * error), and a loopback frontend trusted by a deployment elsewhere (a warning).
 */
import { describe, expect, it } from 'vitest'
import { runDoctor } from '../../src/doctor/checks.ts'
import { useInProcessService } from '../support/in-process.ts'
import { TEST_SECRET } from '../support/service.ts'

const SERVICE = 'https://auth.example.com'
const running = useInProcessService('pglite', {
  BETTER_AUTH_URL: SERVICE,
  BETTER_AUTH_SECRET: TEST_SECRET,
  TRUSTED_ORIGINS: 'https://docs.example.com,http://localhost:3000',
  COOKIE_DOMAIN: 'example.com',
})

interface AuthHealth {
  cookies: { mode: string; attributes: Record<string, unknown>; warnings: { code: string; level: string }[] }
}

async function authHealth() {
  const response = await running.service.request('/health/auth')
  return { status: response.status, body: (await response.json()) as AuthHealth }
}

function doctor(origin: string) {
  return runDoctor({
    serviceUrl: SERVICE,
    origin,
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
  it('answers /health/auth 503 naming the origin, and the doctor tells to remove it', async () => {
    running.service.restart({
      TRUSTED_ORIGINS: 'https://docs.example.com,https://me.github.io',
      COOKIE_DOMAIN: undefined,
      COOKIE_MODE: 'same-site',
    })
    const { status, body } = await authHealth()
    expect(status).toBe(503)
    expect(body.cookies.warnings).toEqual([
      expect.objectContaining({
        code: 'cross_site_lax_cookie',
        level: 'error',
        message: expect.stringContaining('https://me.github.io'),
      }),
    ])
    const findings = await doctor('https://me.github.io')
    expect(findings.filter((f) => !f.ok).map((f) => f.fix)).toContainEqual(
      expect.stringContaining('Remove COOKIE_MODE=same-site'),
    )
  })
})
