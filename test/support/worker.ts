/**
 * Runs the Worker bundle that `wrangler deploy` would upload, in real workerd through Miniflare.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Miniflare, convertV4MiniflareOptions } from 'miniflare'

const root = fileURLToPath(new URL('../..', import.meta.url))
export const TEST_BUNDLE_DIR = `${root}/dist/test-worker`
const wranglerToml = `${root}/wrangler.toml`

/** Builds the Worker with wrangler's own bundler (once per test run, from global setup). */
export function buildWorkerBundle(outdir = TEST_BUNDLE_DIR): string {
  execFileSync(`${root}/node_modules/.bin/wrangler`, ['deploy', '--dry-run', '--outdir', outdir, '--config', wranglerToml], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  })
  return `${outdir}/index.js`
}

function readCompatibility(): { date: string; flags: string[] } {
  const text = readFileSync(wranglerToml, 'utf8')
  const date = /compatibility_date\s*=\s*"([^"]+)"/.exec(text)?.[1]
  const flags = /compatibility_flags\s*=\s*\[([^\]]*)\]/.exec(text)?.[1] ?? ''
  if (!date) throw new Error('wrangler.toml has no compatibility_date')
  return { date, flags: [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) }
}

export interface RunningWorker {
  readonly url: string
  fetch(path: string, init?: RequestInit): Promise<Response>
  stop(): Promise<void>
}

/**
 * Starts the bundled Worker in workerd with the given bindings.
 *
 * @example
 * const worker = await startWorker({ BETTER_AUTH_URL: 'http://localhost:8787', ... })
 * const res = await worker.fetch('/health')
 */
export async function startWorker(
  bindings: Record<string, string>,
  scriptPath = `${TEST_BUNDLE_DIR}/index.js`,
  server: { port?: number } = {},
): Promise<RunningWorker> {
  if (!existsSync(scriptPath)) buildWorkerBundle()
  const { date, flags } = readCompatibility()
  // Miniflare 5 takes a nested option shape; its converter accepts the documented v4 shape.
  const options = convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: server.port ?? 0,
    modules: true,
    scriptPath,
    compatibilityDate: date,
    compatibilityFlags: flags,
    bindings,
    cf: false,
  })
  const mf = new Miniflare({ ...options, enableDevRegistry: false })
  const url = (await mf.ready).toString().replace(/\/$/, '')
  return {
    url,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    stop: () => mf.dispose(),
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1, for a service that must know its own URL. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
