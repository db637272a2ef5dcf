/**
 * Runs the Worker bundle that `wrangler deploy` would upload, in real workerd through Miniflare.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'

const root = fileURLToPath(new URL('../..', import.meta.url))
export const TEST_BUNDLE_DIR = `${root}/dist/test-worker`
const wranglerToml = `${root}/wrangler.toml`

/** Builds the Worker with wrangler's own bundler (once per test run, from global setup). */
export function buildWorkerBundle(outdir = TEST_BUNDLE_DIR): string {
  execFileSync(
    `${root}/node_modules/.bin/wrangler`,
    ['deploy', '--dry-run', '--outdir', outdir, '--config', wranglerToml],
    {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    },
  )
  return `${outdir}/index.js`
}

function readCompatibility(): { date: string; flags: string[] } {
  const text = readFileSync(wranglerToml, 'utf8')
  const date = /compatibility_date\s*=\s*"([^"]+)"/.exec(text)?.[1]
  const flags = /compatibility_flags\s*=\s*\[([^\]]*)\]/.exec(text)?.[1] ?? ''
  if (!date) throw new Error('wrangler.toml has no compatibility_date')
  return { date, flags: [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) }
}

/** Where workerd listens: a port (0 picks a free one) and, for HTTPS, a PEM key and certificate. */
export interface WorkerServerOptions {
  readonly port?: number
  readonly tls?: { readonly key: string; readonly cert: string }
  /** The bundle to run; the wrangler test bundle (built on demand) by default. */
  readonly scriptPath?: string
  /** Receives each line workerd writes (console output included) instead of this process's console. */
  readonly onLog?: (log: { level: string; message: string }) => void
}

/**
 * Creates the Miniflare instance that runs the Worker bundle on 127.0.0.1 with the given bindings
 * and wrangler.toml's compatibility date and flags; await its `ready` for the URL, `dispose()` it to stop.
 *
 * @example
 * const mf = createWorkerMiniflare({ BETTER_AUTH_URL: 'https://auth.site.test:4443' }, { port: 4443, tls })
 * const url = await mf.ready
 * await mf.dispose()
 */
export function createWorkerMiniflare(bindings: Record<string, string>, server: WorkerServerOptions = {}): Miniflare {
  const scriptPath = server.scriptPath ?? `${TEST_BUNDLE_DIR}/index.js`
  if (!existsSync(scriptPath)) buildWorkerBundle()
  const { date, flags } = readCompatibility()
  // Miniflare 5 takes a nested option shape; its converter accepts the documented v4 shape.
  const options = convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: server.port ?? 0,
    ...(server.tls ? { https: true, httpsKey: server.tls.key, httpsCert: server.tls.cert } : {}),
    modules: true,
    scriptPath,
    compatibilityDate: date,
    compatibilityFlags: flags,
    bindings,
    // No request.cf lookup: the tests have no network beyond loopback.
    cf: false,
    ...(server.onLog ? { handleStructuredLogs: server.onLog } : {}),
  })
  return new Miniflare({ ...options, enableDevRegistry: false })
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
  server: Pick<WorkerServerOptions, 'port' | 'onLog'> = {},
): Promise<RunningWorker> {
  const mf = createWorkerMiniflare(bindings, { ...server, scriptPath })
  const url = (await mf.ready).toString().replace(/\/$/, '')
  return {
    url,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    stop: () => mf.dispose(),
  }
}

/**
 * A TCP port that was free a moment ago on 127.0.0.1, for a service that must know its own URL.
 *
 * @example
 * const port = await freePort()
 * const worker = await startWorker({ BETTER_AUTH_URL: `http://127.0.0.1:${port}` }, undefined, { port })
 */
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
