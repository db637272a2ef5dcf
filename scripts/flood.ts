/**
 * `npm run load -- --flood`: a sign-in flood against the Worker bundle in workerd as deployed
 * (limits on, each request with the `CF-Connecting-IP` of one of the flood's addresses, Cloudflare's
 * Rate Limiting binding run by Miniflare): wrong passwords for one account, spread over the
 * addresses. It reports the answers, how many were refused at the edge (no database work), how
 * many statements reached the database, and whether a legitimate user from another address still
 * signs in afterwards.
 */
import { loadavg } from 'node:os'
import { backendNamed } from '../test/support/backends.ts'
import { startService, uniqueEmail } from '../test/support/service.ts'

export interface FloodOptions {
  readonly attempts: number
  readonly addresses: number
  readonly concurrency: number
}

export interface FloodReport {
  readonly options: FloodOptions
  readonly loadAverage: readonly number[]
  readonly elapsedSeconds: number
  readonly statuses: Record<string, number>
  /** 429 answers from the edge's per-address limit: no database work at all. */
  readonly refusedAtEdge: number
  /** Statements the database ran for the flood (a batch counts each of its statements). */
  readonly statements: number
  /** HTTP requests to the database for the flood (a batch is one). */
  readonly databaseRequests: number
  /** The status a legitimate user, from an address of its own, got for its sign-in after the flood. */
  readonly legitimateSignIn: number
}

const PASSWORD = 'the right password'

export async function runFlood(options: FloodOptions): Promise<FloodReport> {
  const backend = backendNamed('pglite')
  const service = await startService(backend, { RATE_LIMIT: '' }, { onLog: () => undefined })
  try {
    const target = uniqueEmail('flood-target')
    const legitimate = uniqueEmail('flood-legit')
    await service.client().signUp(target, PASSWORD, 'Target')
    await service.client().signUp(legitimate, PASSWORD, 'Legitimate')
    await new Promise((resolve) => setTimeout(resolve, 500))
    service.endpoint.resetStats()
    const loadAverage = loadavg().map((value) => Math.round(value * 100) / 100)
    const statuses: Record<string, number> = {}
    let refusedAtEdge = 0
    let next = 0
    const started = performance.now()
    async function worker() {
      while (next < options.attempts) {
        const index = next++
        const address = `198.18.${Math.floor((index % options.addresses) / 250)}.${(index % options.addresses) % 250}`
        const response = await service.client().request('/api/auth/sign-in/email', {
          json: { email: target, password: `guess ${index}` },
          headers: { 'cf-connecting-ip': address },
        })
        statuses[response.status] = (statuses[response.status] ?? 0) + 1
        const body = (await response.json().catch(() => ({}))) as { edge?: boolean }
        if (response.status === 429 && body.edge === true) refusedAtEdge += 1
      }
    }
    await Promise.all(Array.from({ length: options.concurrency }, worker))
    const elapsedSeconds = (performance.now() - started) / 1000
    await new Promise((resolve) => setTimeout(resolve, 500))
    const { total } = service.endpoint.stats()
    const databaseRequests = total.queries + total.batches
    const statements = total.queries + total.batchedQueries
    const legitimateSignIn = (
      await service.client().request('/api/auth/sign-in/email', {
        json: { email: legitimate, password: PASSWORD },
        headers: { 'cf-connecting-ip': '203.0.113.10' },
      })
    ).status
    return {
      options,
      loadAverage,
      elapsedSeconds: Math.round(elapsedSeconds * 10) / 10,
      statuses,
      refusedAtEdge,
      statements,
      databaseRequests,
      legitimateSignIn,
    }
  } finally {
    await service.stop()
    await backend.cleanup()
  }
}

export function formatFlood(report: FloodReport): string {
  const { attempts, addresses, concurrency } = report.options
  return [
    `flood: ${attempts} sign-in attempts from ${addresses} addresses, ${concurrency} at once, in ${report.elapsedSeconds} s (load ${report.loadAverage.join(' ')})`,
    `answers: ${JSON.stringify(report.statuses)}; refused at the edge: ${report.refusedAtEdge}`,
    `database: ${report.databaseRequests} requests, ${report.statements} statements (${(report.statements / attempts).toFixed(2)} per attempt)`,
    `a legitimate user from another address: ${report.legitimateSignIn}`,
  ].join('\n')
}
