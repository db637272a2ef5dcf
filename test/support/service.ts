/**
 * A running service for a test: a migrated database endpoint plus the Worker in workerd.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'
import type { LocalNeon } from '../../db/local-neon/index.ts'
import { backendNamed, type TestDatabase, WORKER_DATABASE_URL } from './backends.ts'
import { type RunningWorker, startWorker } from './worker.ts'

export const TEST_SECRET = randomBytes(32).toString('base64url')

export interface TestService {
  readonly worker: RunningWorker
  readonly endpoint: LocalNeon
  /** Restarts the Worker (a new isolate) with the same or changed bindings. */
  restartWorker(overrides?: Record<string, string>): Promise<void>
  stop(): Promise<void>
}

/** Bindings for the Worker under test; BETTER_AUTH_URL is the Worker's own URL unless given. */
export function serviceBindings(endpoint: LocalNeon, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    BETTER_AUTH_SECRET: TEST_SECRET,
    BETTER_AUTH_URL: 'http://localhost:8787',
    DATABASE_URL: WORKER_DATABASE_URL,
    NEON_HTTP_ENDPOINT: endpoint.url,
    TRUSTED_ORIGINS: 'http://localhost:3000',
    // Suites sign in hundreds of users from 127.0.0.1; the limit itself has its own test.
    RATE_LIMIT: 'off',
    ...overrides,
  }
}

/**
 * @example
 * const service = await startService(backend)
 * await service.worker.fetch('/health/auth')
 */
export async function startService(
  backend: TestDatabase,
  overrides: Record<string, string> = {},
  options: { dataDir?: string } = {},
): Promise<TestService> {
  const endpoint = await backend.start(options)
  let bindings = serviceBindings(endpoint, overrides)
  let worker = await startWorker(bindings)
  return {
    get worker() {
      return worker
    },
    endpoint,
    async restartWorker(more = {}) {
      await worker.stop()
      bindings = { ...bindings, ...more }
      worker = await startWorker(bindings)
    },
    async stop() {
      await worker.stop()
      await endpoint.close()
    },
  }
}

/** A unique, valid email for this test run. */
export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(6).toString('hex')}@example.com`
}

/**
 * A service for the enclosing `describe`: its own migrated database on `backendName` and the
 * Worker, started before the suite's tests and stopped (database dropped) after them.
 *
 * @example
 * const running = useService('pglite', { RATE_LIMIT: '' })
 * it('…', async () => { await running.service.worker.fetch('/health') })
 */
export function useService(
  backendName: string,
  overrides: Record<string, string> = {},
): { readonly service: TestService } {
  const backend = backendNamed(backendName)
  let service: TestService | undefined
  beforeAll(async () => {
    service = await startService(backend, overrides)
  })
  afterAll(async () => {
    await service?.stop()
    await backend.cleanup()
  })
  return {
    get service() {
      if (!service) throw new Error('the service starts in beforeAll; read it inside a test')
      return service
    },
  }
}
