/**
 * The one way tests start the service: `startService(database, changes, options)` runs it on a
 * target over a migrated test database, and `useService(backendName, changes, options)` does so for
 * the enclosing `describe`. Every target answers through the same `TestService`.
 *
 * Targets: `in-process` (the app in this process; no build), `workerd` (the default: the wrangler
 * bundle in Miniflare), `vercel-edge` (the Vercel Edge build in the Edge Runtime VM), `vercel-node`
 * (the Vercel Node.js build under a stand-in for Vercel's launcher) and `node`
 * (`src/node.ts` in a child process). The last three need the builds of the `runtime` project's
 * global setup.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'
import type { LocalNeon } from '../../db/local-neon/index.ts'
import { backendNamed, backendNames, type TestDatabase, WORKER_DATABASE_URL } from './backends.ts'
import { TestClient } from './client.ts'
import { openInProcessHost } from './in-process.ts'
import { rememberSecret } from './log-capture.ts'
import { type FixedPort, loopbackFetch, openFixedPort } from './loopback.ts'
import { type DeployedTarget, startInstance } from './targets.ts'
import type { TestCertificate } from './tls.ts'
import type { WorkerServerOptions } from './worker.ts'

export { deployedTargets } from './targets.ts'

export type TargetName = 'in-process' | DeployedTarget

/** Changes to the service's bindings; `undefined` removes one. */
export type BindingChanges = Readonly<Record<string, string | undefined>>

export const TEST_SECRET = randomBytes(32).toString('base64url')

/** Every test service's HEALTH_TOKEN: `FULL_HEALTH` reads the full /health/auth with it. */
export const TEST_HEALTH_TOKEN = randomBytes(32).toString('base64url')

rememberSecret('the secret', TEST_SECRET)
rememberSecret('HEALTH_TOKEN', TEST_HEALTH_TOKEN)

/** Request options for the full /health/auth: `service.request('/health/auth', FULL_HEALTH)`. */
export const FULL_HEALTH = { headers: { authorization: `Bearer ${TEST_HEALTH_TOKEN}` } } as const satisfies RequestInit

/** The bindings every test service starts from. */
function defaultBindings(endpoint: LocalNeon): Record<string, string> {
  return {
    BETTER_AUTH_SECRET: TEST_SECRET,
    BETTER_AUTH_URL: 'http://localhost:8787',
    DATABASE_URL: WORKER_DATABASE_URL,
    NEON_HTTP_ENDPOINT: endpoint.url,
    TRUSTED_ORIGINS: 'http://localhost:3000',
    HEALTH_TOKEN: TEST_HEALTH_TOKEN,
    // Suites sign in hundreds of users from 127.0.0.1; the limit itself has its own test.
    RATE_LIMIT: 'off',
  }
}

function applyChanges(base: Record<string, string>, changes: BindingChanges): Record<string, string> {
  const next = { ...base }
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete next[name]
    else next[name] = value
  }
  return next
}

export interface ServiceOptions<T extends TargetName> {
  /** `workerd` unless given. */
  readonly target?: T
  /**
   * Serve on a port of the service's own, held for its whole life (restarts included) and known
   * before it starts: `url` and BETTER_AUTH_URL become `http(s)://<host>:<port>`, e.g.
   * `https://auth.site.test:41234` for a browser that maps `*.test` to loopback. `request` reaches
   * it on 127.0.0.1 whatever the host.
   */
  readonly host?: string
  /** HTTPS with this certificate (workerd with a `host` only). */
  readonly tls?: TestCertificate
  /** Receives each line workerd writes (console output included) instead of this process's console (workerd only). */
  readonly onLog?: WorkerServerOptions['onLog']
  /** PGlite: keep the database in this directory, so a later service finds it (filled from the template when empty). */
  readonly dataDir?: string
}

export interface TestService<T extends TargetName = TargetName> {
  readonly target: T
  /** Where the service answers HTTP, without a trailing slash (in-process: its loopback listener). */
  readonly url: string
  readonly endpoint: LocalNeon
  /** The bindings the running instance got. */
  readonly bindings: Readonly<Record<string, string>>
  /** One request, addressed as a browser on BETTER_AUTH_URL would (in-process) or sent to `url`; redirects are not followed where `url` has a host of its own. */
  request(path: string, init?: RequestInit): Promise<Response>
  /** A client keeping cookies, from a frontend origin (default the trusted http://localhost:3000); it follows restarts. */
  client(origin?: string | null): TestClient
  /**
   * Replaces the running instance by a new one (a new isolate or process, same database) whose
   * bindings are the service's starting bindings with `changes` applied: `restart()` returns to them.
   */
  restart(changes?: BindingChanges): Promise<void>
  /** In-process only: waits for the background work (`waitUntil`) started so far. */
  readonly settle: T extends 'in-process' ? () => Promise<void> : undefined
  /** Stops the instance, and the database endpoint unless it was shared (the test database itself stays; see `TestDatabase.cleanup`). */
  stop(): Promise<void>
}

/** One running instance, as the service sees it. */
interface Instance {
  readonly url: string
  request(path: string, init?: RequestInit): Promise<Response>
  /** In-process only. */
  settle?(): Promise<void>
  stop(): Promise<void>
}

/** How instances of a target start, and what outlives them (a listener, a held port). */
interface Launcher {
  /** The service's own origin when it has a port of its own, for BETTER_AUTH_URL. */
  readonly origin: string | undefined
  start(bindings: Record<string, string>): Promise<Instance>
  close(): Promise<void>
}

async function inProcessLauncher(endpoint: LocalNeon, host: string | undefined): Promise<Launcher> {
  const listener = await openInProcessHost(endpoint, host)
  return {
    origin: host ? listener.url : undefined,
    start: async (bindings) => listener.start(bindings),
    close: () => listener.close(),
  }
}

async function deployedLauncher(target: DeployedTarget, options: ServiceOptions<TargetName>): Promise<Launcher> {
  const { host, tls, onLog } = options
  const fixed: FixedPort | undefined = host ? await openFixedPort() : undefined
  const origin = fixed ? `${tls ? 'https' : 'http'}://${host}:${fixed.port}` : undefined
  return {
    origin,
    async start(bindings) {
      const instance = await startInstance(target, bindings, { tls, onLog })
      if (!fixed || !origin) return { ...instance, request: (path, init) => fetch(`${instance.url}${path}`, init) }
      fixed.forwardTo(Number(new URL(instance.url).port))
      return {
        url: origin,
        stop: instance.stop,
        request: (path, init) => loopbackFetch(`${origin}${path}`, init, tls?.cert),
      }
    },
    close: async () => fixed?.close(),
  }
}

/**
 * Starts the service on a target over `database`, with the default bindings changed by `changes`:
 * a test database gets a migrated endpoint of the service's own (closed by `stop`); a running
 * endpoint, e.g. another service's, is shared (a second deployment on the same database) and left
 * running.
 *
 * @example
 * const service = await startService(backendNamed('pglite'), { TRUSTED_ORIGINS: 'https://docs.example.com' }, { target: 'in-process' })
 * const tab = service.client('https://docs.example.com')
 * await tab.signUp(uniqueEmail())
 * const other = await startService(service.endpoint, { BETTER_AUTH_SECRET: anotherSecret }, { target: 'in-process' })
 * await other.stop()
 * await service.stop()
 */
export async function startService<T extends TargetName = 'workerd'>(
  database: TestDatabase | LocalNeon,
  changes: BindingChanges = {},
  options: ServiceOptions<T> = {},
): Promise<TestService<T>> {
  const target = (options.target ?? 'workerd') as T
  if (options.tls && (target !== 'workerd' || !options.host))
    throw new Error('tls is for workerd with a host: workerd serves HTTPS, and the certificate names the host')
  const shared = !('start' in database)
  const endpoint = shared ? database : await database.start({ dataDir: options.dataDir })
  const closeEndpoint = async () => {
    if (!shared) await endpoint.close()
  }
  let launcher: Launcher | undefined
  try {
    launcher =
      target === 'in-process'
        ? await inProcessLauncher(endpoint, options.host)
        : await deployedLauncher(target as DeployedTarget, options)
    const own = launcher
    const defaults = defaultBindings(endpoint)
    if (own.origin) defaults.BETTER_AUTH_URL = own.origin
    const initial = applyChanges(defaults, changes)
    let bindings = initial
    let instance = await own.start(bindings)
    const service: TestService = {
      target,
      endpoint,
      get url() {
        return instance.url
      },
      get bindings() {
        return bindings
      },
      request: (path, init) => instance.request(path, init),
      client: (origin) => new TestClient((path, init) => instance.request(path, init), origin),
      async restart(more = {}) {
        await instance.stop()
        bindings = applyChanges(initial, more)
        instance = await own.start(bindings)
      },
      settle: (target === 'in-process' ? () => instance.settle!() : undefined) as TestService['settle'],
      async stop() {
        try {
          await instance.stop()
        } finally {
          await own.close()
          await closeEndpoint()
        }
      },
    }
    return service as TestService<T>
  } catch (error) {
    await launcher?.close()
    await closeEndpoint()
    throw error
  }
}

/**
 * A service for the enclosing `describe`: its own test database on `backendName`, started before
 * the suite's tests, stopped and its database dropped after them.
 *
 * @example
 * const running = useService('pglite', { RATE_LIMIT: '' }, { target: 'in-process' })
 * it('…', async () => { expect((await running.service.request('/health')).status).toBe(200) })
 */
export function useService<T extends TargetName = 'workerd'>(
  backendName: string,
  changes: BindingChanges = {},
  options: ServiceOptions<T> = {},
): { readonly service: TestService<T> } {
  const database = backendNamed(backendName)
  let service: TestService<T> | undefined
  beforeAll(async () => {
    service = await startService(database, changes, options)
  })
  afterAll(async () => {
    try {
      await service?.stop()
    } finally {
      await database.cleanup()
    }
  })
  return {
    get service() {
      if (!service) throw new Error('the service starts in beforeAll; use it inside a hook or test')
      return service
    },
  }
}

/**
 * Every given backend (default: every backend of this run) with every given target, for `describe.each`.
 *
 * @example
 * describe.each(backendsAndTargets(deployedTargets, embeddedBackendNames))('acceptance on %s, %s', (backendName, target) => {
 *   const running = useService(backendName, {}, { target })
 * })
 */
export function backendsAndTargets<T extends TargetName>(
  targets: readonly T[],
  backends: readonly string[] = backendNames,
): [string, T][] {
  return backends.flatMap((backendName) => targets.map((target): [string, T] => [backendName, target]))
}

/** A unique, valid email for this test run. */
export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(6).toString('hex')}@example.com`
}
