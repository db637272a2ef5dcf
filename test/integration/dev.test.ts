/**
 * `npm run dev` end to end, as a developer runs it: the local endpoint on PGlite, the migrations,
 * `wrangler dev`. The process environment overrides `.dev.vars` for every setting (the two secret
 * variables as one), no random secret is written when the environment gives one, and Ctrl-C to
 * the process group leaves no process and a free port.
 *
 * EDGE_AUTH_DEV_DIR puts `.dev.vars`, `.data/` and `.wrangler/` in a temporary directory (shared by
 * both scenarios, so PGlite is set up once), leaving the developer's own untouched.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devMailPorts } from '../../src/config/dev-mail.ts'
import { ENV_VARIABLES } from '../../src/config/env.ts'
import { codeBlock, replaceExactly } from '../support/docs.ts'
import { freePort, startOnFreePort } from '../support/loopback.ts'
import { FULL_HEALTH, TEST_HEALTH_TOKEN } from '../support/service.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const STARTUP_DEADLINE_MS = 120_000
const STOP_DEADLINE_MS = 20_000

interface RunningDev {
  readonly port: number
  readonly mailPorts: { smtp: number; web: number }
  readonly child: ChildProcess
  output(): string
}

/** `npm run dev` in its own process group, with only the settings given here from the environment. */
function startDev(
  devDir: string,
  port: number,
  mailPorts: RunningDev['mailPorts'] | 'derived',
  settings: Record<string, string>,
  command = ['run', 'dev'],
): RunningDev {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of [...ENV_VARIABLES, 'PORT', 'EDGE_AUTH_DEV_DIR', 'MAILDEV_SMTP_PORT', 'MAILDEV_WEB_PORT'])
    delete env[name]
  Object.assign(env, { HEALTH_TOKEN: TEST_HEALTH_TOKEN }, settings, {
    EDGE_AUTH_DEV_DIR: devDir,
    PORT: String(port),
    ...(mailPorts === 'derived'
      ? {}
      : { MAILDEV_SMTP_PORT: String(mailPorts.smtp), MAILDEV_WEB_PORT: String(mailPorts.web) }),
    // npm and the scripts run on the Node running this test, whatever else is on PATH.
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
  })
  const child = spawn('npm', command, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const ports = mailPorts === 'derived' ? devMailPorts(port) : mailPorts
  return { port, mailPorts: ports, child, output: () => output }
}

/** `npm run dev` serving on a port of its own: another one when the port was taken before wrangler bound it. */
function startServingDev(devDir: string, settings: Record<string, string>): Promise<RunningDev> {
  return startOnFreePort(
    async (port) => {
      const dev = startDev(devDir, port, { smtp: await freePort(), web: await freePort() }, settings)
      try {
        await waitUntilServing(dev)
        return dev
      } catch (error) {
        kill(dev)
        throw error
      }
    },
    (error) => /EADDRINUSE|address already in use/i.test(String(error)),
  )
}

async function waitUntilServing(dev: RunningDev): Promise<void> {
  const deadline = Date.now() + STARTUP_DEADLINE_MS
  while (Date.now() < deadline) {
    if (dev.child.exitCode !== null) throw new Error(`npm run dev exited early:\n${dev.output()}`)
    const ok = await fetch(`http://127.0.0.1:${dev.port}/health`).then(
      (response) => response.ok,
      () => false,
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`npm run dev did not serve within ${STARTUP_DEADLINE_MS} ms:\n${dev.output()}`)
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** Ctrl-C as a terminal sends it (to the whole process group); then nothing of it may remain. */
async function interrupt(dev: RunningDev): Promise<{ groupGone: boolean; portFree: boolean }> {
  const pgid = dev.child.pid!
  process.kill(-pgid, 'SIGINT')
  const deadline = Date.now() + STOP_DEADLINE_MS
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  const ports = [dev.port, dev.mailPorts.smtp, dev.mailPorts.web]
  const free = await Promise.all(ports.map(portFree))
  return { groupGone: !groupAlive(pgid), portFree: free.every(Boolean) }
}

/** Whatever a failed test left running. */
function kill(dev: RunningDev | undefined) {
  if (dev?.child.pid && groupAlive(dev.child.pid)) process.kill(-dev.child.pid, 'SIGKILL')
}

/** Polls maildev's REST API (`GET /api/email`) for a message to `address`. */
async function waitForMail(inbox: string, address: string): Promise<{ subject: string; text: string }> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const mails = (await (await fetch(`${inbox}/api/email`)).json()) as {
      to: { address: string }[]
      subject: string
      text: string
    }[]
    const mail = mails.find((m) => m.to.some((to) => to.address === address))
    if (mail) return mail
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`no mail to ${address} in maildev`)
}

async function healthAuth(dev: RunningDev) {
  const response = await fetch(`http://127.0.0.1:${dev.port}/health/auth`, FULL_HEALTH)
  expect(response.status, dev.output()).toBe(200)
  return (await response.json()) as {
    secret: { versions: { version: number | null; source: string; length: number }[] }
    jwt: { ttlSeconds: number }
    trustedOrigins: string[]
  }
}

/** A secret of exactly `length` characters, so /health/auth's lengths tell which one is in use. */
function secretOfLength(length: number): string {
  return randomBytes(length).toString('base64url').slice(0, length)
}

/** What a developer may have in the repository, read before and after. */
function developerState() {
  const devVars = join(root, '.dev.vars')
  return {
    devVars: existsSync(devVars) ? readFileSync(devVars, 'utf8') : null,
    data: existsSync(join(root, '.data')),
    wranglerState: existsSync(join(root, '.wrangler/state')),
    generatedEnv: existsSync(join(root, '.wrangler/dev.env')) ? readFileSync(join(root, '.wrangler/dev.env')) : null,
  }
}

describe('npm run dev', () => {
  let devDir: string
  let dev: RunningDev | undefined
  const before = developerState()
  beforeAll(() => {
    devDir = mkdtempSync(join(tmpdir(), 'edge-auth-dev-'))
  })
  afterAll(() => {
    kill(dev)
    rmSync(devDir, { recursive: true, force: true })
  })

  it('takes every setting from the environment over .dev.vars, the secret wholly from one', async () => {
    const devVarsText = [
      `BETTER_AUTH_SECRET="${secretOfLength(48)}"`,
      'JWT_TTL=10m',
      'TRUSTED_ORIGINS=http://from-dev-vars.example',
      '',
    ].join('\n')
    writeFileSync(join(devDir, '.dev.vars'), devVarsText)
    // A rotation given by the environment: .dev.vars' secret must not join it as a legacy version.
    let stopped: Awaited<ReturnType<typeof interrupt>>
    dev = await startServingDev(devDir, {
      JWT_TTL: '90',
      TRUSTED_ORIGINS: 'http://localhost:3000,http://localhost:4000',
      BETTER_AUTH_SECRETS: `2:${secretOfLength(40)},1:${secretOfLength(41)}`,
    })
    try {
      const health = await healthAuth(dev)
      expect(health.jwt.ttlSeconds).toBe(90)
      expect(health.trustedOrigins).toEqual(['http://localhost:3000', 'http://localhost:4000'])
      expect(health.secret.versions.map(({ version, source, length }) => ({ version, source, length }))).toEqual([
        { version: 2, source: 'BETTER_AUTH_SECRETS', length: 40 },
        { version: 1, source: 'BETTER_AUTH_SECRETS', length: 41 },
      ])
      expect(readFileSync(join(devDir, '.dev.vars'), 'utf8')).toBe(devVarsText)
    } finally {
      stopped = await interrupt(dev)
    }
    expect(stopped, dev.output()).toEqual({ groupGone: true, portFree: true })
  }, 180_000)

  it('writes no random secret when the environment gives one, reads .dev.vars, and catches mail in maildev', async () => {
    const devVarsText = 'JWT_TTL=10m\nTRUSTED_ORIGINS=http://from-dev-vars.example\n'
    writeFileSync(join(devDir, '.dev.vars'), devVarsText)
    let stopped: Awaited<ReturnType<typeof interrupt>>
    dev = await startServingDev(devDir, { BETTER_AUTH_SECRET: secretOfLength(44) })
    try {
      const inbox = `http://127.0.0.1:${dev.mailPorts.web}`
      expect(dev.output()).toContain(`dev: mail inbox ${inbox}`)
      // A sign-up there produces a verification mail (workerd → SMTP → maildev) whose link signs in.
      const email = `dev-${randomBytes(4).toString('hex')}@example.com`
      const signUp = await fetch(`http://127.0.0.1:${dev.port}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://from-dev-vars.example' },
        body: JSON.stringify({ email, password: 'correct horse battery', name: 'Dev' }),
      })
      expect(signUp.status, dev.output()).toBe(200)
      const running = dev
      const mail = await waitForMail(inbox, email).catch((error: Error) => {
        throw new Error(`${error.message}\n${running.output()}`)
      })
      const link = mail.text.split(/\s+/).find((word) => word.includes('/api/auth/verify-email?'))!
      const verified = await fetch(link.replace('localhost', '127.0.0.1'), { redirect: 'manual' })
      expect(verified.status).toBe(302)
      const cookie = verified.headers
        .getSetCookie()
        .map((line) => line.split(';')[0])
        .join('; ')
      const session = await fetch(`http://127.0.0.1:${dev.port}/api/auth/get-session`, { headers: { cookie } })
      expect(((await session.json()) as { user: { email: string } }).user.email).toBe(email)

      const health = await healthAuth(dev)
      expect(health.jwt.ttlSeconds).toBe(600)
      expect(health.trustedOrigins).toEqual(['http://from-dev-vars.example'])
      expect(health.secret.versions.map(({ version, source, length }) => ({ version, source, length }))).toEqual([
        { version: null, source: 'BETTER_AUTH_SECRET', length: 44 },
      ])
      expect(readFileSync(join(devDir, '.dev.vars'), 'utf8')).toBe(devVarsText)
    } finally {
      stopped = await interrupt(dev)
    }
    expect(stopped, dev.output()).toEqual({ groupGone: true, portFree: true })
    expect(existsSync(join(devDir, '.data/pglite')), 'the database lives in EDGE_AUTH_DEV_DIR').toBe(true)
    expect(developerState()).toEqual(before)
  }, 180_000)
})

/** README's "Two commands", as commands (comments dropped). */
function twoCommands(): string[] {
  return codeBlock('README.md', '## Two commands', 'sh')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
}

/** README's quick start after `npm run dev`, for a service on `port`: 8787 and 1080 moved as README says. */
function quickStart(dev: RunningDev): { signUp: string; mailStep: string } {
  const onPort = (text: string, times: number) => replaceExactly(text, '8787', String(dev.port), times)
  const signUp = onPort(codeBlock('README.md', '## Quick start', 'sh', 0), 2)
  const mailStep = onPort(codeBlock('README.md', '## Quick start', 'sh', 1), 3)
  return { signUp, mailStep: replaceExactly(mailStep, '1080', String(dev.mailPorts.web), 1) }
}

function runShell(script: string, cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.once('exit', (status) => resolve({ status, stdout, stderr }))
  })
}

describe("README's two commands and quick start, on two npm run dev at once", () => {
  const dirs: string[] = []
  const devs: RunningDev[] = []
  afterAll(() => {
    for (const dev of devs) kill(dev)
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  /** README's dev command on a PORT of its own, maildev's ports left to follow from it. */
  async function startReadmeDev(command: string[]): Promise<RunningDev> {
    const devDir = mkdtempSync(join(tmpdir(), 'edge-auth-quick-start-'))
    dirs.push(devDir)
    const dev = await startOnFreePort(
      async (port) => {
        const started = startDev(devDir, port, 'derived', {}, command.slice(1))
        try {
          await waitUntilServing(started)
          return started
        } catch (error) {
          kill(started)
          throw error
        }
      },
      (error) => /EADDRINUSE|address already in use/i.test(String(error)),
    )
    devs.push(dev)
    return dev
  }

  it('both start, maildev moved with PORT, and the quick start as written ends with a session', async () => {
    const [install, test] = twoCommands()
    expect([install, test]).toEqual(['npm install && npm run dev', 'npm test'])
    const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(packageJson.scripts.test).toBe('vitest run')
    // `npm install` has run (this test runs from the installed repository); `npm run dev` as written.
    const command = install!.split(' && ')[1]!.split(' ')
    expect(command).toEqual(['npm', 'run', 'dev'])
    const [first, second] = await Promise.all([startReadmeDev(command), startReadmeDev(command)])
    for (const dev of [first!, second!]) {
      expect(dev.mailPorts).toEqual(devMailPorts(dev.port))
      expect(dev.output()).toContain(`dev: mail inbox http://127.0.0.1:${dev.mailPorts.web}`)
      const home = await fetch(`http://127.0.0.1:${dev.port}/`)
      expect(home.status).toBe(200)
      expect(await home.text()).toContain(`href="http://127.0.0.1:${dev.mailPorts.web}"`)
      // examples/docusaurus (on :3000) works against the default, with no setting.
      expect((await healthAuth(dev)).trustedOrigins).toEqual(['http://localhost:3000'])
    }

    const cwd = mkdtempSync(join(tmpdir(), 'edge-auth-quick-start-shell-'))
    dirs.push(cwd)
    const { signUp, mailStep } = quickStart(first!)
    const signedUp = await runShell(`set -e\n${signUp}`, cwd)
    expect(signedUp.status, `${signedUp.stderr}\n${first!.output()}`).toBe(0)
    expect(JSON.parse(signedUp.stdout)).toMatchObject({
      token: null,
      user: { email: 'ada@example.com', emailVerified: false },
    })
    // The person reading along looks in the inbox: the mail is sent after the response.
    await waitForMail(`http://127.0.0.1:${first!.mailPorts.web}`, 'ada@example.com')
    const run = await runShell(`set -e\n${mailStep}`, cwd)
    expect(run.status, `${run.stderr}\n${first!.output()}`).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines[0]).toBe(`302 http://localhost:${first!.port}/`)
    const session = JSON.parse(lines[1]!)
    expect(session).toMatchObject({ user: { email: 'ada@example.com', emailVerified: true } })
    expect(session.session.userId).toBe(session.user.id)

    const stopped = await Promise.all([interrupt(first!), interrupt(second!)])
    expect(stopped).toEqual([
      { groupGone: true, portFree: true },
      { groupGone: true, portFree: true },
    ])
  }, 240_000)
})
