/**
 * `npm run dev`: the whole local service in one command.
 *
 * 1. starts the local Neon-compatible endpoint (embedded PGlite in .data/pglite, or the
 *    PostgreSQL at DATABASE_URL when it is set),
 * 2. applies the migrations through it,
 * 3. writes a random BETTER_AUTH_SECRET to .dev.vars when neither .dev.vars nor the process
 *    environment gives BETTER_AUTH_SECRET or BETTER_AUTH_SECRETS,
 * 4. starts maildev (SMTP on MAILDEV_SMTP_PORT, the inbox and its REST API on MAILDEV_WEB_PORT;
 *    by default 1025 and 1080, moved by as much as PORT is from 8787, so that two checkouts on two
 *    PORTs both start) and points SMTP_URL at it, unless the settings choose a mail transport
 *    (SMTP_URL or RESEND_API_KEY),
 * 5. trusts http://localhost:3000 (a Docusaurus dev server) unless TRUSTED_ORIGINS is set, even empty,
 * 6. runs `wrangler dev` on PORT (default 8787) with settings from .dev.vars, overridden by
 *    the process environment (the two secret variables as one: see dev-settings.ts).
 * Ctrl-C stops everything it started.
 *
 * EDGE_AUTH_DEV_DIR (default: the repository) is where its state lives: .dev.vars, .data/pglite,
 * and .wrangler/ (the generated env file and wrangler's local storage). The tests use a temporary
 * directory so that a developer's own state is never touched; only wrangler's build scratch stays
 * in the repository's .wrangler/tmp (its own directory per run, removed on exit).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MailDev } from 'maildev'
import { startLocalNeon } from '../db/local-neon/index.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { DEV_PORT, devMailPorts } from '../src/config/dev-mail.ts'
import { devSettings, needsRandomSecret, parseEnvFile, serializeEnvFile } from './dev-settings.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const devDir = resolve(process.env.EDGE_AUTH_DEV_DIR || root)
const devVarsPath = join(devDir, '.dev.vars')
const pgliteDir = join(devDir, '.data/pglite')
const wranglerDir = join(devDir, '.wrangler')
const generatedEnvPath = join(wranglerDir, 'dev.env')
/** Any well-formed URL: the local endpoint, not the connection string, decides where queries go. */
const LOCAL_DATABASE_URL = 'postgresql://edge_auth:local@localhost/edge_auth'
/** How long wrangler gets to stop workerd on Ctrl-C before it is killed. */
const WRANGLER_STOP_GRACE_MS = 10_000
const DEV_MAIL_FROM = 'edge-auth (dev) <auth@localhost>'
/** Docusaurus's and most frontend dev servers' origin, so examples/docusaurus works against the default. */
const DEV_TRUSTED_ORIGINS = 'http://localhost:3000'

function portSetting(name: string, fallback: number): number {
  const value = process.env[name]?.trim()
  const port = value ? Number(value) : fallback
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a port number`)
  return port
}

/** maildev's ports: derived from PORT (src/config/dev-mail.ts) unless MAILDEV_SMTP_PORT or MAILDEV_WEB_PORT say. */
function maildevPorts(port: number): { smtp: number; web: number } {
  const derived = devMailPorts(port)
  return { smtp: portSetting('MAILDEV_SMTP_PORT', derived.smtp), web: portSetting('MAILDEV_WEB_PORT', derived.web) }
}

/** maildev on loopback, unless the settings send mail elsewhere; it keeps its mail in the dev directory. */
async function startMailCatcher(values: Map<string, string>, port: number): Promise<MailDev | undefined> {
  if (values.get('SMTP_URL') || values.get('RESEND_API_KEY')) {
    console.log(`dev: mail goes through ${values.get('SMTP_URL') ? 'SMTP_URL' : 'Resend'} (maildev not started)`)
    return undefined
  }
  const { smtp, web } = maildevPorts(port)
  const maildev = new MailDev({
    smtp,
    web,
    ip: '127.0.0.1',
    webIp: '127.0.0.1',
    mailDirectory: join(devDir, '.data/maildev'),
    silent: true,
  })
  await maildev.start()
  values.set('SMTP_URL', `smtp://127.0.0.1:${smtp}`)
  if (!values.get('MAIL_FROM')) values.set('MAIL_FROM', DEV_MAIL_FROM)
  console.log(`dev: mail inbox http://127.0.0.1:${web} (maildev, catching SMTP on 127.0.0.1:${smtp})`)
  return maildev
}

/** A path as the developer knows it: relative to the repository when inside it. */
function shown(path: string): string {
  const inRepository = relative(root, path)
  return inRepository.startsWith('..') ? path : inRepository
}

function readDevVars(): Map<string, string> {
  const devVars = existsSync(devVarsPath) ? parseEnvFile(readFileSync(devVarsPath, 'utf8')) : new Map<string, string>()
  if (needsRandomSecret(devVars, process.env)) {
    devVars.set('BETTER_AUTH_SECRET', randomBytes(32).toString('base64url'))
    mkdirSync(devDir, { recursive: true })
    writeFileSync(devVarsPath, serializeEnvFile(devVars), { mode: 0o600 })
    console.log(`dev: wrote a new random BETTER_AUTH_SECRET to ${shown(devVarsPath)}`)
  }
  return devVars
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function main() {
  const port = portSetting('PORT', DEV_PORT)
  const externalDatabase = process.env.DATABASE_URL
  const localNeon = await startLocalNeon({
    backend: externalDatabase ? { kind: 'postgres', url: externalDatabase } : { kind: 'pglite', dataDir: pgliteDir },
    port: 0,
  })
  console.log(
    `dev: database endpoint ${localNeon.url} (${externalDatabase ? 'PostgreSQL from DATABASE_URL' : `embedded PGlite in ${shown(pgliteDir)}`})`,
  )
  await migrateDatabase({ databaseUrl: LOCAL_DATABASE_URL, neonHttpEndpoint: localNeon.url })
  console.log('dev: migrations applied')

  const values = devSettings(readDevVars(), process.env)
  if (!values.get('BETTER_AUTH_URL')) values.set('BETTER_AUTH_URL', `http://localhost:${port}`)
  if (!values.has('TRUSTED_ORIGINS')) values.set('TRUSTED_ORIGINS', DEV_TRUSTED_ORIGINS)
  console.log(`dev: trusted frontend origins: ${values.get('TRUSTED_ORIGINS') || 'none'}`)
  values.set('DATABASE_URL', LOCAL_DATABASE_URL)
  values.set('NEON_HTTP_ENDPOINT', localNeon.url)
  let maildev: MailDev | undefined
  try {
    maildev = await startMailCatcher(values, port)
  } catch (error) {
    await localNeon.close()
    throw new Error(
      `maildev did not start (${(error as Error).message}); choose another PORT, or set MAILDEV_SMTP_PORT and MAILDEV_WEB_PORT to free ports`,
    )
  }
  console.log(`dev: the service at http://localhost:${port}/ once wrangler is ready (GET / says what is where)`)
  mkdirSync(wranglerDir, { recursive: true })
  writeFileSync(generatedEnvPath, serializeEnvFile(values), { mode: 0o600 })

  const wrangler = spawn(
    join(root, 'node_modules/.bin/wrangler'),
    [
      'dev',
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--env-file',
      generatedEnvPath,
      '--persist-to',
      join(wranglerDir, 'state'),
      '--show-interactive-dev-session=false',
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    },
  )

  let stopping = false
  async function stop(code: number) {
    if (stopping) return
    stopping = true
    // Wait for wrangler (and the workerd it runs) to be gone, so Ctrl-C leaves no process behind.
    wrangler.kill('SIGTERM')
    const killer = setTimeout(() => wrangler.kill('SIGKILL'), WRANGLER_STOP_GRACE_MS)
    await exited(wrangler)
    clearTimeout(killer)
    await maildev?.stop()
    await localNeon.close()
    process.exit(code)
  }
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))
  wrangler.on('exit', (code) => void stop(code ?? 0))
}

main().catch((error) => {
  console.error(`dev: ${(error as Error).message}`)
  process.exit(1)
})
