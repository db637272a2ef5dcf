/**
 * `edge-auth doctor` (its own process) against the service in-process, on a loopback port of its
 * own that BETTER_AUTH_URL names, as in a deployment: silent and exit 0 on a healthy one, each
 * problem with its fix and exit 1 on misconfigured ones.
 */
import { execFile } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { codeBlock, DOCS_SERVICE_URL, replaceExactly } from '../support/docs.ts'
import { TEST_HEALTH_TOKEN, uniqueEmail, useService } from '../support/service.ts'

const BIN = fileURLToPath(new URL('../../src/doctor/bin.ts', import.meta.url))
const FRONTEND = 'http://localhost:3000'

/** The doctor with the services' HEALTH_TOKEN, as an operator runs it. */
function doctor(...args: string[]): Promise<{ code: number; output: string }> {
  return anonymousDoctor(...args, '--health-token', TEST_HEALTH_TOKEN)
}

/** The doctor without a health token, as anyone may run it. */
function anonymousDoctor(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'doctor', ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr })
    })
  })
}

/** A URL where no HTTP service answers: a port held by this test that drops every connection at once. */
async function deadEnd(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

// The doctor reads the service from outside; one database backend is enough here. Each test
// restarts the service with its own configuration, on the same port.
describe('edge-auth doctor', () => {
  const running = useService('pglite', { TRUSTED_ORIGINS: FRONTEND }, { target: 'in-process', host: '127.0.0.1' })

  it('passes a healthy cross-site deployment, including a real sign-in', async () => {
    const { service } = running
    await service.restart()
    const email = uniqueEmail()
    await service.client(FRONTEND).signUp(email, 'doctor-password-1')
    // docs/doctor.md's command, with this service, its frontend, token and user put in.
    let command = codeBlock('docs/doctor.md', '# The doctor', 'sh').replace(/\\\n\s*/g, '')
    command = replaceExactly(command, DOCS_SERVICE_URL, service.url, 1)
    command = replaceExactly(command, 'https://docs.example.com', FRONTEND, 1)
    command = replaceExactly(command, '"$HEALTH_TOKEN"', TEST_HEALTH_TOKEN, 1)
    command = replaceExactly(command, 'you@example.com', email, 1)
    command = replaceExactly(command, "'your password'", 'doctor-password-1', 1)
    const args = command.trim().split(/\s+/)
    expect(args.slice(0, 3)).toEqual(['npx', 'edge-auth', 'doctor'])
    const { code, output } = await anonymousDoctor(...args.slice(3))
    expect(output).not.toContain('FAIL')
    expect(output).toMatch(
      /ok\s+sign-in cookie: __Secure-better-auth\.session_token: SameSite=none, Partitioned, Secure/,
    )
    expect(output).toContain('No problems found.')
    expect(code).toBe(0)
  })

  it('names a SameSite=Lax cookie facing a cross-site frontend, with the fix', async () => {
    await running.service.restart({ COOKIE_MODE: 'same-site' })
    const { code, output } = await doctor(running.service.url, '--origin', FRONTEND)
    expect(code).toBe(1)
    expect(output).toMatch(/FAIL cookie mode: .*SameSite=Lax/)
    expect(output).toContain('fix: Remove COOKIE_MODE=same-site')
  })

  it("relays the service's own cookie-policy warning about another trusted origin", async () => {
    // The doctor plays a same-site frontend; the forced Lax cookie breaks only the other one.
    const sameSiteFrontend = 'http://127.0.0.1:3000'
    await running.service.restart({ TRUSTED_ORIGINS: `${sameSiteFrontend},${FRONTEND}`, COOKIE_MODE: 'same-site' })
    const { code, output } = await doctor(running.service.url, '--origin', sameSiteFrontend)
    expect(output).toMatch(/ok\s+cookie mode: same-site: same-site frontend/)
    expect(output).toContain(
      `FAIL cookie policy: COOKIE_MODE=same-site makes the session cookie SameSite=Lax, but ${FRONTEND} is on another site`,
    )
    expect(output).toContain('fix: Unset COOKIE_MODE')
    expect(code).toBe(1)
  })

  it('names an origin missing from TRUSTED_ORIGINS', async () => {
    await running.service.restart({ TRUSTED_ORIGINS: 'https://docs.example.com' })
    const { code, output } = await doctor(running.service.url, '--origin', FRONTEND)
    expect(code).toBe(1)
    expect(output).toContain(`FAIL preflight: the preflight from ${FRONTEND} gets no Access-Control-Allow-Origin`)
    expect(output).toContain(`fix: Add ${FRONTEND} to TRUSTED_ORIGINS.`)
  })

  it('names a weak secret and every configuration problem, and a BETTER_AUTH_URL that is not the service', async () => {
    // Only a weak secret, a foreign URL and the database URL, as a first deployment might have.
    await running.service.restart({
      BETTER_AUTH_SECRET: 'short',
      BETTER_AUTH_URL: 'https://auth.example.com',
      NEON_HTTP_ENDPOINT: undefined,
      TRUSTED_ORIGINS: undefined,
      RATE_LIMIT: undefined,
    })
    const { code, output } = await doctor(running.service.url, '--origin', FRONTEND)
    expect(code).toBe(1)
    expect(output).toContain('FAIL configuration: BETTER_AUTH_SECRET is 5 characters')
    expect(output).toContain('FAIL secret: the secret is only 5 characters')
    expect(output).not.toContain('short')
  })

  it('flags a service that believes it lives elsewhere', async () => {
    await running.service.restart({ BETTER_AUTH_URL: 'https://auth.example.com' })
    const { code, output } = await doctor(running.service.url, '--origin', FRONTEND)
    expect(code).toBe(1)
    expect(output).toContain('FAIL BETTER_AUTH_URL: the service believes it is https://auth.example.com')
  })

  it('says when it sees only the anonymous level, and still catches a cross-site frontend facing Lax cookies', async () => {
    await running.service.restart()
    const healthy = await anonymousDoctor(running.service.url, '--origin', FRONTEND)
    expect(healthy.output).toContain('ok   /health/auth: anonymous level only')
    expect(healthy.output).toContain('pass --health-token to check them')
    expect(healthy.output).toMatch(/ok\s+database: reachable \(migrations not checked at the anonymous level\)/)
    expect(healthy.output).toContain('No problems found.')
    expect(healthy.code).toBe(0)

    await running.service.restart({ COOKIE_MODE: 'same-site' })
    const lax = await anonymousDoctor(running.service.url, '--origin', FRONTEND)
    expect(lax.output).toMatch(/FAIL cookie mode: .* uses the same-site cookie mode/)
    expect(lax.output).toContain('FAIL /health/auth: the service reports itself unhealthy')
    expect(lax.code).toBe(1)
  })

  it('fails on a wrong --health-token without echoing it', async () => {
    await running.service.restart()
    const wrong = 'not-the-health-token-but-long-enough-to-look-real'
    const { code, output } = await anonymousDoctor(running.service.url, '--origin', FRONTEND, '--health-token', wrong)
    expect(output).toContain('FAIL /health/auth: the service refused --health-token')
    expect(output).not.toContain(wrong)
    expect(code).toBe(1)
  })

  it('names the email verification in force, and mail that failed', async () => {
    const { service } = running
    // Nothing listens on port 9 of loopback: the verification mail fails twice and is counted.
    await service.restart({ SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'auth@example.com' })
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const quieter = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      await service.client(FRONTEND).signUp(uniqueEmail())
      await service.settle!()
    } finally {
      quiet.mockRestore()
      quieter.mockRestore()
    }
    const { code, output } = await doctor(service.url, '--origin', FRONTEND)
    expect(code).toBe(1)
    expect(output).toContain(
      'FAIL mail: email verification required (default (a mail transport is set)), mail by smtp: 1 message(s) failed',
    )
    expect(output).toContain('fix: Check SMTP_URL or RESEND_API_KEY and MAIL_FROM')
  })

  it('exits 1 for an unreachable service and 2 for bad usage', async () => {
    const unreachable = await deadEnd()
    try {
      expect((await doctor(unreachable.url, '--origin', FRONTEND)).code).toBe(1)
    } finally {
      await unreachable.close()
    }
    expect((await doctor('http://127.0.0.1:1')).code).toBe(2)
  })
})
