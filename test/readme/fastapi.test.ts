/**
 * The FastAPI code of docs/tokens.md, read from it and run as it stands (only the service's URL put
 * in) with Debian's python3-jwt, python3-fastapi and python3-uvicorn, against the real service's
 * JWKS: the right user in, everybody else out with the right status.
 *
 * Without those packages (`apt-get install python3-jwt python3-fastapi python3-uvicorn`) the suite
 * is skipped with a notice, except under CI=true.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UNDER_CI } from '../support/ci.ts'
import { codeBlock, DOCS_SERVICE_URL, replaceExactly } from '../support/docs.ts'
import { publicKeyHmacTokens, signWithServiceKey, tamperedToken, unsignedToken } from '../support/forged-tokens.ts'
import { newUser, useIssuingService } from '../support/issuing-service.ts'
import { startOnFreePort } from '../support/loopback.ts'

/** Debian's own Python, not a pyenv or venv one that lacks the packages. */
const PYTHON = '/usr/bin/python3'
const MODULES = ['jwt', 'fastapi', 'uvicorn']

function pythonProblem(): string | null {
  const probe = spawnSync(PYTHON, ['-c', `import ${MODULES.join(', ')}; print(jwt.__version__)`], {
    encoding: 'utf8',
  })
  if (probe.error) return `${PYTHON} is missing`
  return probe.status === 0 ? null : probe.stderr.trim().split('\n').at(-1)!
}

const problem = pythonProblem()
if (problem && UNDER_CI) {
  throw new Error(`the FastAPI snippet needs Debian's python3-jwt, python3-fastapi, python3-uvicorn: ${problem}`)
}
if (problem) console.warn(`skipping the FastAPI snippet of docs/tokens.md: ${problem}`)

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`uvicorn exited with ${child.exitCode}:\n${output()}`)
    try {
      if ((await fetch(`${url}/openapi.json`)).ok) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`uvicorn did not answer within 30 s:\n${output()}`)
}

describe.skipIf(problem !== null)("the FastAPI snippet of docs/tokens.md on Debian's PyJWT", () => {
  const running = useIssuingService()
  const dir = mkdtempSync(join(tmpdir(), 'edge-auth-fastapi-'))
  let api: ChildProcess | undefined
  let apiUrl = ''
  let output = ''

  beforeAll(async () => {
    const code = replaceExactly(
      codeBlock('docs/tokens.md', '### In Python (FastAPI)', 'python'),
      DOCS_SERVICE_URL,
      running.service.url,
      1,
    )
    writeFileSync(join(dir, 'readme_app.py'), code)
    // uvicorn must be told its port; another one when that port was taken before uvicorn bound it.
    api = await startOnFreePort(
      async (port) => {
        apiUrl = `http://127.0.0.1:${port}`
        output = ''
        const child = spawn(
          PYTHON,
          ['-m', 'uvicorn', 'readme_app:app', '--host', '127.0.0.1', '--port', String(port)],
          {
            cwd: dir,
            env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        )
        const collect = (chunk: Buffer) => {
          output += chunk.toString()
        }
        child.stdout!.on('data', collect)
        child.stderr!.on('data', collect)
        try {
          await waitForServer(apiUrl, child, () => output)
          return child
        } catch (error) {
          child.kill('SIGKILL')
          throw error
        }
      },
      (error) => /address already in use/i.test(String(error)),
    )
  }, 60_000)

  afterAll(async () => {
    if (api && api.exitCode === null) {
      const exited = new Promise((resolve) => api!.once('exit', resolve))
      api.kill('SIGTERM')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  })

  async function tasks(userId: string, authorization?: string) {
    const response = await fetch(`${apiUrl}/users/${userId}/tasks`, {
      headers: authorization ? { authorization } : {},
    })
    return { status: response.status, body: await response.json(), challenge: response.headers.get('www-authenticate') }
  }

  it('lets a fresh token of the right user in', async () => {
    const { userId, jwt } = await newUser(running.service)
    expect(await tasks(userId, `Bearer ${jwt}`)).toEqual({
      status: 200,
      body: { user_id: userId, tasks: [] },
      challenge: null,
    })
  })

  it('answers 403 for another user’s tasks', async () => {
    const alice = await newUser(running.service)
    const bob = await newUser(running.service)
    expect((await tasks(bob.userId, `Bearer ${alice.jwt}`)).status).toBe(403)
  })

  it('answers 401, not 403, without a token or with another scheme', async () => {
    const { userId, jwt } = await newUser(running.service)
    expect(await tasks(userId)).toMatchObject({ status: 401, challenge: 'Bearer' })
    expect((await tasks(userId, `Basic ${Buffer.from(`${userId}:x`).toString('base64')}`)).status).toBe(401)
    expect((await tasks(userId, jwt)).status).toBe(401)
  })

  it('refuses an expired token, a wrong audience and a wrong issuer with 401', async () => {
    const { userId } = await newUser(running.service)
    const { url, endpoint } = running.service
    const claims = { sub: userId, iss: url, aud: url }
    const refused = [
      await signWithServiceKey(endpoint, claims, { iat: -1000, exp: -120 }),
      await signWithServiceKey(endpoint, { ...claims, aud: 'https://other-api.example.com' }, { iat: 0, exp: 600 }),
      await signWithServiceKey(endpoint, { ...claims, iss: 'https://evil.example.com' }, { iat: 0, exp: 600 }),
    ]
    for (const token of refused) expect(await tasks(userId, `Bearer ${token}`)).toMatchObject({ status: 401 })
    // The same key and claims, unexpired, are accepted: the refusals above are about exp, aud and iss.
    const fresh = await signWithServiceKey(endpoint, claims, { iat: 0, exp: 600 })
    expect((await tasks(userId, `Bearer ${fresh}`)).status).toBe(200)
  })

  it('refuses a tampered payload, alg: none and HS256 signed with the public key with 401', async () => {
    const { userId, jwt } = await newUser(running.service)
    const victim = await newUser(running.service)
    const forgeries: [owner: string, token: string][] = [
      [victim.userId, tamperedToken(jwt, victim.userId)],
      [userId, unsignedToken(jwt)],
      ...(await publicKeyHmacTokens(running.service.endpoint, jwt)).map((token): [string, string] => [userId, token]),
    ]
    for (const [owner, token] of forgeries) expect(await tasks(owner, `Bearer ${token}`)).toMatchObject({ status: 401 })
  })
})
