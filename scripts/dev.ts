/**
 * `npm run dev`: the whole local service in one command.
 *
 * 1. starts the local Neon-compatible endpoint (embedded PGlite in .data/pglite, or the
 *    PostgreSQL at DATABASE_URL when it is set),
 * 2. applies the migrations through it,
 * 3. writes a random BETTER_AUTH_SECRET to .dev.vars when none exists,
 * 4. runs `wrangler dev` on PORT (default 8787) with settings from .dev.vars, overridden by
 *    the process environment.
 * Ctrl-C stops everything it started.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startLocalNeon } from '../db/local-neon/index.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { ENV_VARIABLES } from '../src/config/env.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const devVarsPath = `${root}/.dev.vars`
const generatedEnvPath = `${root}/.wrangler/dev.env`
/** Any well-formed URL: the local endpoint, not the connection string, decides where queries go. */
const LOCAL_DATABASE_URL = 'postgresql://edge_auth:local@localhost/edge_auth'

function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line)
    if (match) values.set(match[1]!, match[2]!.replace(/^"(.*)"$/, '$1'))
  }
  return values
}

function serializeEnvFile(values: Map<string, string>): string {
  return `${[...values].map(([key, value]) => `${key}=${JSON.stringify(value)}`).join('\n')}\n`
}

function ensureDevSecret(): Map<string, string> {
  const devVars = existsSync(devVarsPath) ? parseEnvFile(readFileSync(devVarsPath, 'utf8')) : new Map<string, string>()
  if (!devVars.get('BETTER_AUTH_SECRET') && !devVars.get('BETTER_AUTH_SECRETS')) {
    devVars.set('BETTER_AUTH_SECRET', randomBytes(32).toString('base64url'))
    writeFileSync(devVarsPath, serializeEnvFile(devVars), { mode: 0o600 })
    console.log('dev: wrote a new random BETTER_AUTH_SECRET to .dev.vars')
  }
  return devVars
}

async function main() {
  const port = Number(process.env.PORT || 8787)
  const externalDatabase = process.env.DATABASE_URL
  const localNeon = await startLocalNeon({
    backend: externalDatabase
      ? { kind: 'postgres', url: externalDatabase }
      : { kind: 'pglite', dataDir: `${root}/.data/pglite` },
    port: 0,
  })
  console.log(
    `dev: database endpoint ${localNeon.url} (${externalDatabase ? 'PostgreSQL from DATABASE_URL' : 'embedded PGlite in .data/pglite'})`,
  )
  await migrateDatabase({ databaseUrl: LOCAL_DATABASE_URL, neonHttpEndpoint: localNeon.url })
  console.log('dev: migrations applied')

  const values = ensureDevSecret()
  if (!values.get('BETTER_AUTH_URL')) values.set('BETTER_AUTH_URL', `http://localhost:${port}`)
  // The process environment overrides .dev.vars for every setting the service reads.
  for (const name of ENV_VARIABLES) {
    const fromProcess = process.env[name]
    if (fromProcess !== undefined) values.set(name, fromProcess)
  }
  values.set('DATABASE_URL', LOCAL_DATABASE_URL)
  values.set('NEON_HTTP_ENDPOINT', localNeon.url)
  mkdirSync(`${root}/.wrangler`, { recursive: true })
  writeFileSync(generatedEnvPath, serializeEnvFile(values), { mode: 0o600 })

  const wrangler = spawn(
    `${root}/node_modules/.bin/wrangler`,
    [
      'dev',
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--env-file',
      generatedEnvPath,
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
    wrangler.kill('SIGTERM')
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
