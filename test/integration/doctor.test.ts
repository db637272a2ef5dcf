/**
 * `edge-auth doctor` against real services in workerd: silent and exit 0 on a healthy one,
 * each problem with its fix and exit 1 on misconfigured ones.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalNeon } from '../../db/local-neon/index.ts'
import { backendNamed, type TestDatabase, WORKER_DATABASE_URL } from '../support/backends.ts'
import { TestClient } from '../support/client.ts'
import { serviceBindings, TEST_SECRET, uniqueEmail } from '../support/service.ts'
import { freePort, type RunningWorker, startWorker, TEST_BUNDLE_DIR } from '../support/worker.ts'

const BIN = fileURLToPath(new URL('../../src/doctor/bin.ts', import.meta.url))
const FRONTEND = 'http://localhost:3000'

function doctor(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'doctor', ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr })
    })
  })
}

/** A Worker whose BETTER_AUTH_URL is its real address, as in a deployment. */
async function startAt(endpoint: LocalNeon, overrides: Record<string, string>): Promise<RunningWorker> {
  const port = await freePort()
  const bindings = serviceBindings(endpoint, { BETTER_AUTH_URL: `http://127.0.0.1:${port}`, ...overrides })
  return startWorker(bindings, `${TEST_BUNDLE_DIR}/index.js`, { port })
}

// The doctor reads the service from outside; one database backend is enough here.
describe('edge-auth doctor', () => {
  const backend: TestDatabase = backendNamed('pglite')
  let endpoint: LocalNeon
  const workers: RunningWorker[] = []
  beforeAll(async () => {
    endpoint = await backend.start()
  })
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()))
    await endpoint?.close()
  })

  it('passes a healthy cross-site deployment, including a real sign-in', async () => {
    const worker = await startAt(endpoint, { TRUSTED_ORIGINS: FRONTEND })
    workers.push(worker)
    const email = uniqueEmail()
    await new TestClient(worker.url, FRONTEND).signUp(email, 'doctor password 1')
    const { code, output } = await doctor(
      worker.url,
      '--origin',
      FRONTEND,
      '--email',
      email,
      '--password',
      'doctor password 1',
    )
    expect(output).not.toContain('FAIL')
    expect(output).toMatch(
      /ok\s+sign-in cookie: __Secure-better-auth\.session_token: SameSite=none, Partitioned, Secure/,
    )
    expect(output).toContain('No problems found.')
    expect(code).toBe(0)
  })

  it('names a SameSite=Lax cookie facing a cross-site frontend, with the fix', async () => {
    const worker = await startAt(endpoint, { TRUSTED_ORIGINS: FRONTEND, COOKIE_MODE: 'same-site' })
    workers.push(worker)
    const { code, output } = await doctor(worker.url, '--origin', FRONTEND)
    expect(code).toBe(1)
    expect(output).toMatch(/FAIL cookie mode: .*SameSite=Lax/)
    expect(output).toContain('fix: Remove COOKIE_MODE=same-site')
  })

  it("relays the service's own cookie-policy warning about another trusted origin", async () => {
    // The doctor plays a same-site frontend; the forced Lax cookie breaks only the other one.
    const sameSiteFrontend = 'http://127.0.0.1:3000'
    const worker = await startAt(endpoint, {
      TRUSTED_ORIGINS: `${sameSiteFrontend},${FRONTEND}`,
      COOKIE_MODE: 'same-site',
    })
    workers.push(worker)
    const { code, output } = await doctor(worker.url, '--origin', sameSiteFrontend)
    expect(output).toMatch(/ok\s+cookie mode: same-site: same-site frontend/)
    expect(output).toContain(
      `FAIL cookie policy: COOKIE_MODE=same-site makes the session cookie SameSite=Lax, but ${FRONTEND} is on another site`,
    )
    expect(output).toContain('fix: Unset COOKIE_MODE')
    expect(code).toBe(1)
  })

  it('names an origin missing from TRUSTED_ORIGINS', async () => {
    const worker = await startAt(endpoint, { TRUSTED_ORIGINS: 'https://docs.example.com' })
    workers.push(worker)
    const { code, output } = await doctor(worker.url, '--origin', FRONTEND)
    expect(code).toBe(1)
    expect(output).toContain(`FAIL preflight: the preflight from ${FRONTEND} gets no Access-Control-Allow-Origin`)
    expect(output).toContain(`fix: Add ${FRONTEND} to TRUSTED_ORIGINS.`)
  })

  it('names a weak secret and every configuration problem, and a BETTER_AUTH_URL that is not the service', async () => {
    const worker = await startWorker({
      BETTER_AUTH_SECRET: 'short',
      BETTER_AUTH_URL: 'https://auth.example.com',
      DATABASE_URL: WORKER_DATABASE_URL,
    })
    workers.push(worker)
    const { code, output } = await doctor(worker.url, '--origin', FRONTEND)
    expect(code).toBe(1)
    expect(output).toContain('FAIL configuration: BETTER_AUTH_SECRET is 5 characters')
    expect(output).toContain('FAIL secret: the secret is only 5 characters')
    expect(output).not.toContain('short')
  })

  it('flags a service that believes it lives elsewhere', async () => {
    const worker = await startWorker(
      serviceBindings(endpoint, {
        BETTER_AUTH_URL: 'https://auth.example.com',
        BETTER_AUTH_SECRET: TEST_SECRET,
        TRUSTED_ORIGINS: FRONTEND,
      }),
    )
    workers.push(worker)
    const { code, output } = await doctor(worker.url, '--origin', FRONTEND)
    expect(code).toBe(1)
    expect(output).toContain('FAIL BETTER_AUTH_URL: the service believes it is https://auth.example.com')
  })

  it('exits 1 for an unreachable service and 2 for bad usage', async () => {
    const port = await freePort()
    expect((await doctor(`http://127.0.0.1:${port}`, '--origin', FRONTEND)).code).toBe(1)
    expect((await doctor('http://127.0.0.1:1')).code).toBe(2)
  })
})
