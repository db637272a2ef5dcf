/**
 * The `in-process` target: the app in this process (`createApp(platform)`, as Hono and OpenAuth
 * test), without a bundle build or a runtime to start. Requests go straight to
 * `app.request(url, init, env)`; a loopback listener that outlives restarts serves the same app
 * over HTTP for what needs a URL (a downstream process fetching the JWKS, the doctor CLI).
 * Background work (`waitUntil`) is collected so a test can wait for it with `settle()`.
 *
 * The Neon driver's endpoint is process-wide (`neonConfig.fetchEndpoint`, set when a context is
 * built), and vitest runs each test file in its own process: in-process services of one file
 * must not run at the same time on different endpoints (several on one endpoint may). Starting one
 * on another endpoint while one runs throws.
 */
import { createServer } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import type { LocalNeon } from '../../db/local-neon/index.ts'
import { createApp } from '../../src/app.ts'
import type { EnvBindings } from '../../src/config/env.ts'
import { nodeSmtpTransport } from '../../src/platform/smtp-node.ts'
import { testPasswordHash } from './test-password-hash.ts'

// The app gets its environment as bindings, but BetterAuth also reads BETTER_AUTH_SECRET(S) from
// process.env when the config gives it no versioned secrets: a developer's exported ones must not
// leak into a test service.
delete process.env.BETTER_AUTH_SECRETS
delete process.env.BETTER_AUTH_SECRET

/** One app (an isolate's worth of state) for one set of bindings. */
export interface InProcessInstance {
  readonly url: string
  request(path: string, init?: RequestInit): Promise<Response>
  /** Waits for the background work started so far (null-session reports, BetterAuth's own). */
  settle(): Promise<void>
  /** Settles, and stops serving this app on the listener. */
  stop(): Promise<void>
}

export interface InProcessHost {
  /** The listener's URL, `http://<host>:<port>`; the same for every instance. */
  readonly url: string
  start(bindings: Record<string, string>): InProcessInstance
  close(): Promise<void>
}

/** The endpoint the in-process services of this process use, and how many are open. */
let running: { url: string; open: number } | undefined

/**
 * Opens the loopback listener for in-process apps on `endpoint`; `host` names it in `url` (any
 * name: requests from this process do not resolve it).
 *
 * @example
 * const host = await openInProcessHost(endpoint)
 * const instance = host.start({ BETTER_AUTH_URL: 'http://localhost:8787', … })
 * await instance.request('/health')
 */
export async function openInProcessHost(endpoint: LocalNeon, host = '127.0.0.1'): Promise<InProcessHost> {
  if (running && running.url !== endpoint.url)
    throw new Error(
      `an in-process service on ${running.url} is still running: in-process services of one test file on ` +
        'different endpoints must not overlap (the Neon driver’s endpoint is process-wide); stop it first',
    )
  let current: { app: ReturnType<typeof createApp>; env: EnvBindings } | undefined
  const server = createServer(
    getRequestListener(
      (request) => (current ? current.app.fetch(request, current.env) : new Response('restarting', { status: 503 })),
      { overrideGlobalObjects: false },
    ),
  )
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  running = { url: endpoint.url, open: (running?.open ?? 0) + 1 }
  const url = `http://${host}:${(server.address() as { port: number }).port}`
  return {
    url,
    start(bindings) {
      const background: Promise<unknown>[] = []
      const app = createApp({
        waitUntil: (promise) => void background.push(promise.catch(() => undefined)),
        runtime: 'Node',
        smtp: nodeSmtpTransport,
        passwordHash: testPasswordHash,
      })
      const env: EnvBindings = { ...bindings }
      const own = { app, env }
      current = own
      const base = env.BETTER_AUTH_URL ?? 'http://localhost:8787'
      const settle = async () => {
        while (background.length > 0) await Promise.all(background.splice(0))
      }
      return {
        url,
        request: async (path, init) => app.request(`${base}${path}`, init, env),
        settle,
        async stop() {
          await settle()
          if (current === own) current = undefined
        },
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
        if (running && --running.open === 0) running = undefined
      }),
  }
}
