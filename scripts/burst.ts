/**
 * `npm run burst`: concurrent sign-ups, then concurrent sign-ins, against the Worker bundle in
 * workerd with every query held a while (a slow database), counting 503s and, for the sign-ups,
 * accounts that exist behind a 5xx answer. A 503 here is false: the database answers every query
 * in time (1 s against the 2.5 s deadline).
 *
 * @example
 * // npm run burst                                   → 100 sign-ins, 200 sign-ups, 1,000 ms per query
 * // npm run burst -- --sign-ins 10 --sign-ups 10 --db-latency-ms 200 --json
 */
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { backendNamed, queryEndpoint } from '../test/support/backends.ts'
import { startService, uniqueEmail } from '../test/support/service.ts'
import { buildWorkerBundle } from '../test/support/worker.ts'

export interface BurstReport {
  readonly loadAverage: readonly number[]
  readonly latencyMs: number
  readonly signUps: {
    readonly requests: number
    readonly statuses: Record<string, number>
    readonly createdBehind5xx: number
  }
  readonly signIns: { readonly requests: number; readonly statuses: Record<string, number> }
}

function count(statuses: number[]): Record<string, number> {
  const counted: Record<string, number> = {}
  for (const status of statuses) counted[status] = (counted[status] ?? 0) + 1
  return counted
}

export async function runBurst(options: { signUps: number; signIns: number; latencyMs: number }): Promise<BurstReport> {
  const backend = backendNamed('pglite')
  const service = await startService(backend, {}, { target: 'workerd' })
  try {
    const loadAverage = loadavg().map((value) => Math.round(value * 100) / 100)
    const users = Array.from({ length: options.signIns }, () => uniqueEmail('burst'))
    for (const email of users) await service.client().signUp(email)
    service.endpoint.faults.setLatency(options.latencyMs)
    const emails = Array.from({ length: options.signUps }, () => uniqueEmail('burst-up'))
    const signUps = await Promise.all(emails.map(async (email) => (await service.client().signUp(email)).status))
    const signIns = await Promise.all(users.map(async (email) => (await service.client().signIn(email)).status))
    service.endpoint.faults.setLatency(0)
    let createdBehind5xx = 0
    for (const [index, status] of signUps.entries()) {
      if (status < 500) continue
      const rows = await queryEndpoint(service.endpoint, 'select count(*) from "user" where email = $1', [
        emails[index],
      ])
      createdBehind5xx += Number(rows[0]![0])
    }
    return {
      loadAverage,
      latencyMs: options.latencyMs,
      signUps: { requests: signUps.length, statuses: count(signUps), createdBehind5xx },
      signIns: { requests: signIns.length, statuses: count(signIns) },
    }
  } finally {
    await service.stop()
    await backend.cleanup()
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      'sign-ups': { type: 'string', default: '200' },
      'sign-ins': { type: 'string', default: '100' },
      'db-latency-ms': { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
    },
  })
  buildWorkerBundle()
  const report = await runBurst({
    signUps: Number(values['sign-ups']),
    signIns: Number(values['sign-ins']),
    latencyMs: Number(values['db-latency-ms']),
  })
  console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2))
  process.exit(0)
}
