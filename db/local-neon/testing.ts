/**
 * Helpers shared by the local-neon test files (not used at runtime).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { LocalNeonBackendOptions } from './index.ts'

/** One backend the suites run against; `skip` when it is not available. */
export type BackendCase = { name: LocalNeonBackendOptions['kind']; backend: LocalNeonBackendOptions; skip: boolean }

/**
 * PGlite (in memory) always; real PostgreSQL when `TEST_DATABASE_URL` is set.
 *
 * @example
 * describe.each(backendCases())('on $name', ({ backend, skip }) => { ... })
 */
export function backendCases(): BackendCase[] {
  const url = process.env.TEST_DATABASE_URL
  return [
    { name: 'pglite', backend: { kind: 'pglite' }, skip: false },
    { name: 'postgres', backend: { kind: 'postgres', url: url ?? '' }, skip: !url },
  ]
}

/**
 * A unique, lowercase SQL identifier, so tests can share one real database.
 *
 * @example
 * const table = uniqueName('users') // 'users_3f9c1a2b7d'
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`
}

/** The headers `@neondatabase/serverless` sends with every query. */
export function neonHeaders(connectionString = 'postgresql://tester:pw@localhost/neondb'): Record<string, string> {
  return {
    'Neon-Connection-String': connectionString,
    'Neon-Raw-Text-Output': 'true',
    'Neon-Array-Mode': 'true',
  }
}

/**
 * POSTs a raw body to the endpoint, returning status, parsed JSON and headers.
 *
 * @example
 * const { status, json } = await postJson(localNeon.url, { query: 'SELECT 1', params: [] })
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = neonHeaders(),
  // biome-ignore lint/suspicious/noExplicitAny: a test helper; each caller asserts the shape it expects
): Promise<{ status: number; json: any; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.status, json: await response.json(), headers: response.headers }
}
