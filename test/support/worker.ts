/**
 * The Worker bundle that `wrangler deploy` would upload, and the Miniflare instance that runs it
 * in real workerd. Tests start it through `startService` (service.ts).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'

const root = fileURLToPath(new URL('../..', import.meta.url))
const TEST_BUNDLE_DIR = `${root}/dist/test-worker`
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

/** wrangler.toml's Rate Limiting bindings, as Miniflare runs them. */
function readRateLimits(): Record<string, { namespace_id: string; simple: { limit: number; period: 10 | 60 } }> {
  const text = readFileSync(wranglerToml, 'utf8')
  const blocks = text.matchAll(
    /\[\[ratelimits\]\]\s*name\s*=\s*"([^"]+)"\s*namespace_id\s*=\s*"([^"]+)"\s*simple\s*=\s*\{\s*limit\s*=\s*(\d+)\s*,\s*period\s*=\s*(\d+)\s*\}/g,
  )
  return Object.fromEntries(
    [...blocks].map(([, name, namespace, limit, period]) => [
      name!,
      { namespace_id: namespace!, simple: { limit: Number(limit), period: Number(period) as 10 | 60 } },
    ]),
  )
}

/** How workerd serves: over HTTPS with a PEM key and certificate, and where its output goes. */
export interface WorkerServerOptions {
  readonly tls?: { readonly key: string; readonly cert: string }
  /** Receives each line workerd writes (console output included) instead of this process's console. */
  readonly onLog?: (log: { level: string; message: string }) => void
}

/**
 * Creates the Miniflare instance that runs the Worker bundle (built on demand) on a free port of
 * 127.0.0.1 with the given bindings and wrangler.toml's compatibility date and flags; await its
 * `ready` for the URL, `dispose()` it to stop.
 *
 * @example
 * const mf = createWorkerMiniflare({ BETTER_AUTH_URL: 'https://auth.site.test:4443' }, { tls })
 * const url = await mf.ready
 * await mf.dispose()
 */
export function createWorkerMiniflare(bindings: Record<string, string>, server: WorkerServerOptions = {}): Miniflare {
  const { tls } = server
  const scriptPath = `${TEST_BUNDLE_DIR}/index.js`
  if (!existsSync(scriptPath)) buildWorkerBundle()
  const { date, flags } = readCompatibility()
  // Miniflare 5 takes a nested option shape; its converter accepts the documented v4 shape.
  const options = convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: 0,
    ...(tls ? { https: true, httpsKey: tls.key, httpsCert: tls.cert } : {}),
    modules: true,
    scriptPath,
    compatibilityDate: date,
    compatibilityFlags: flags,
    bindings,
    ratelimits: readRateLimits(),
    // No request.cf lookup: the tests have no network beyond loopback.
    cf: false,
    // GET /cdn-cgi/local/scheduled runs the Worker's scheduled handler (the Cron Trigger) on demand.
    unsafeTriggerHandlers: true,
    ...(server.onLog ? { handleStructuredLogs: server.onLog } : {}),
  })
  return new Miniflare({ ...options, enableDevRegistry: false })
}
