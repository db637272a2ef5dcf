/**
 * The app in this process (`createApp().request(…)`, as Hono and OpenAuth test), against the local
 * endpoint: route logic without a bundle build or a workerd start. Background work (`waitUntil`)
 * is collected so a test can wait for it with `settle()`.
 *
 * The Neon driver's endpoint setting is process-wide (`neonConfig.fetchEndpoint`), and vitest runs
 * each test file in its own process: use one endpoint per test file.
 */
import { afterAll, beforeAll } from 'vitest'
import type { LocalNeon } from '../../db/local-neon/index.ts'
import { createApp } from '../../src/app.ts'
import type { EnvBindings } from '../../src/config/env.ts'
import { backendNamed } from './backends.ts'
import { TestClient } from './client.ts'
import { serviceBindings } from './service.ts'

export interface InProcessService {
  readonly endpoint: LocalNeon
  readonly env: EnvBindings
  /** One request to the app, as a browser on `BETTER_AUTH_URL` would address it. */
  request(path: string, init?: RequestInit): Promise<Response>
  /** A client keeping cookies, from a frontend origin (default the trusted http://localhost:3000). */
  client(origin?: string | null): TestClient
  /** Waits for the background work started so far (null-session reports, BetterAuth's own). */
  settle(): Promise<void>
  /**
   * A fresh app (a new isolate) on the same database, with the suite's bindings changed by `changes`
   * (`undefined` removes one); `restart()` returns to the suite's own bindings.
   */
  restart(changes?: Record<string, string | undefined>): void
}

function createInProcessApp(endpoint: LocalNeon, bindings: Record<string, string>) {
  const background: Promise<unknown>[] = []
  const app = createApp({ waitUntil: (promise) => void background.push(promise.catch(() => undefined)) })
  const env: EnvBindings = { ...bindings }
  const base = env.BETTER_AUTH_URL ?? 'http://localhost:8787'
  return {
    env,
    request: async (path: string, init?: RequestInit) => app.request(`${base}${path}`, init, env),
    settle: async () => {
      while (background.length > 0) await Promise.all(background.splice(0))
    },
    endpoint,
  }
}

/**
 * A migrated database on `backendName` and the app in-process for the enclosing `describe`.
 *
 * @example
 * const running = useInProcessService('pglite', { TRUSTED_ORIGINS: 'https://docs.example.com' })
 * it('…', async () => expect((await running.service.request('/health')).status).toBe(200))
 */
export function useInProcessService(
  backendName = 'pglite',
  overrides: Record<string, string> = {},
): { readonly service: InProcessService } {
  const backend = backendNamed(backendName)
  let endpoint: LocalNeon | undefined
  let current: ReturnType<typeof createInProcessApp> | undefined
  let bindings: Record<string, string> = {}
  beforeAll(async () => {
    endpoint = await backend.start()
    bindings = serviceBindings(endpoint, overrides)
    current = createInProcessApp(endpoint, bindings)
  })
  afterAll(async () => {
    await current?.settle()
    await endpoint?.close()
    await backend.cleanup()
  })
  const service: InProcessService = {
    get endpoint() {
      return started().endpoint
    },
    get env() {
      return started().env
    },
    request: (path, init) => started().request(path, init),
    client: (origin) => new TestClient((path, init) => started().request(path, init), origin),
    settle: () => started().settle(),
    restart(changes = {}) {
      const next = { ...bindings }
      for (const [name, value] of Object.entries(changes)) {
        if (value === undefined) delete next[name]
        else next[name] = value
      }
      current = createInProcessApp(started().endpoint, next)
    },
  }
  function started() {
    if (!current) throw new Error('the service starts in beforeAll; use it inside a test')
    return current
  }
  return { service }
}
