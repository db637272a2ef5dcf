/**
 * `npm run bench`: what each auth operation costs, measured on the real Worker bundle in workerd
 * against the local Neon endpoint (embedded PGlite): database round trips per operation (each one
 * is an HTTPS request to Neon in production, so they dominate latency at the edge) and the median
 * and p95 wall time here. Nothing is asserted; the numbers are for comparing changes.
 *
 * @example
 * // npm run bench            → 40 iterations of each operation
 * // npm run bench -- 200     → 200 iterations
 */
import { backendNamed } from '../test/support/backends.ts'
import type { TestClient } from '../test/support/client.ts'
import { startService, type TestService, uniqueEmail } from '../test/support/service.ts'
import { buildWorkerBundle } from '../test/support/worker.ts'

const iterations = Number(process.argv[2] ?? 40)

interface Prepared {
  client: TestClient
  email: string
  userId: string
}

interface Operation {
  name: string
  /** Signs a user up first unless `anonymous`. */
  anonymous?: boolean
  run(prepared: Prepared): Promise<Response>
}

async function prepare(service: TestService, anonymous: boolean): Promise<Prepared> {
  const client = service.client()
  const email = uniqueEmail('bench')
  if (anonymous) return { client, email, userId: '' }
  const response = await client.signUp(email, 'bench password 1')
  if (!response.ok) throw new Error(`sign-up failed: ${response.status}`)
  return { client, email, userId: (await response.json()).user.id }
}

const operations: Operation[] = [
  { name: 'get-session (no cookie)', anonymous: true, run: ({ client }) => client.request('/api/auth/get-session') },
  { name: 'get-session (cookie)', run: ({ client }) => client.request('/api/auth/get-session') },
  { name: 'token (JWT)', run: ({ client }) => client.request('/api/auth/token') },
  { name: 'sessions API (guard + list)', run: ({ client, userId }) => client.request(`/api/users/${userId}/sessions`) },
  { name: 'sign-in', run: ({ client, email }) => client.signIn(email, 'bench password 1') },
  { name: 'sign-up', anonymous: true, run: ({ client }) => client.signUp(uniqueEmail('bench'), 'bench password 1') },
]

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function measure(service: TestService, operation: Operation) {
  const prepared = await prepare(service, operation.anonymous ?? false)
  await operation.run(prepared) // warm the isolate and any key creation
  service.endpoint.resetStats()
  const times: number[] = []
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now()
    const response = await operation.run(prepared)
    await response.arrayBuffer()
    if (response.status >= 400) throw new Error(`${operation.name}: ${response.status}`)
    times.push(performance.now() - started)
  }
  const { total } = service.endpoint.stats()
  times.sort((a, b) => a - b)
  return {
    operation: operation.name,
    roundTrips: (total.queries + total.batches) / iterations,
    medianMs: percentile(times, 50),
    p95Ms: percentile(times, 95),
  }
}

buildWorkerBundle()
const service = await startService(backendNamed('pglite'))
try {
  console.log(`${iterations} iterations each; Worker in workerd, database: local endpoint on PGlite\n`)
  console.log('operation                        round trips   median ms   p95 ms')
  for (const operation of operations) {
    const row = await measure(service, operation)
    console.log(
      `${row.operation.padEnd(32)} ${row.roundTrips.toFixed(1).padStart(11)} ${row.medianMs.toFixed(1).padStart(11)} ${row.p95Ms.toFixed(1).padStart(8)}`,
    )
  }
} finally {
  await service.stop()
}
