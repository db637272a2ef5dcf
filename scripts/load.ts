/**
 * `npm run load`: a bounded load run against the real Worker bundle in workerd on 127.0.0.1, over
 * the local Neon endpoint (embedded PGlite, or PostgreSQL with `--database-url`). Workers sign up
 * new users, sign existing ones in and read their sessions, all at once, until the duration or the
 * request count runs out. It prints throughput, p50/p99 per operation, the 5xx count, sessions that
 * came back null, and then checks in the database itself that every user whose sign-up was
 * acknowledged exists with its credential account (no orphan). Nothing leaves loopback.
 *
 * @example
 * // npm run load                                           → 30 s or 3,000 requests, 8 at a time, PGlite
 * // npm run load -- --duration 60 --requests 10000 --concurrency 16
 * // npm run load -- --database-url postgres://postgres@127.0.0.1:5432/load   (migrated first)
 * // npm run load -- --json                                 → the report as JSON on the last line
 * // npm run load -- --flood                                → 10,000 wrong sign-ins from 100 addresses (scripts/flood.ts)
 * // npm run load -- --flood --attempts 300 --addresses 10
 */
import { randomBytes } from 'node:crypto'
import { cpus, loadavg, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { type LocalNeon, startLocalNeon } from '../db/local-neon/index.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { backendNamed, queryEndpoint, WORKER_DATABASE_URL } from '../test/support/backends.ts'
import { startService, type TestService } from '../test/support/service.ts'
import { buildWorkerBundle } from '../test/support/worker.ts'
import { formatFlood, runFlood } from './flood.ts'

export const OPERATIONS = ['sign-up', 'sign-in', 'get-session'] as const
export type OperationName = (typeof OPERATIONS)[number]

/** The mix, in turn: a request takes the next operation (a sign-up while no user is acknowledged yet). */
const CYCLE: readonly OperationName[] = ['sign-up', 'get-session', 'sign-in', 'get-session']
const PASSWORD = 'load password 1'

export interface LoadOptions {
  /** Seconds after which no new request starts. */
  readonly durationSeconds: number
  /** Requests after which no new request starts. */
  readonly maxRequests: number
  /** Requests in flight at once. */
  readonly concurrency: number
}

export interface OperationReport {
  readonly requests: number
  readonly statuses: Record<string, number>
  readonly p50Ms: number
  readonly p99Ms: number
}

export interface LoadReport {
  readonly options: LoadOptions
  /** The machine's 1, 5 and 15 minute load averages when the run started (other work competes). */
  readonly loadAverage: readonly number[]
  readonly elapsedSeconds: number
  readonly requests: number
  readonly throughputPerSecond: number
  readonly serverErrors: number
  /** Requests that got no HTTP answer at all. */
  readonly transportErrors: number
  /** get-session answers of `null` for a cookie a sign-up or sign-in had just set. */
  readonly nullSessions: number
  readonly operations: Record<OperationName, OperationReport>
  readonly users: {
    /** Sign-ups answered 200 with a user. */
    readonly acknowledged: number
    /** Of those, users missing from the database or without their credential account. */
    readonly missing: number
    /** Users of this run in the database without a credential account, acknowledged or not. */
    readonly orphans: number
    /** Users of this run in the database whose sign-up got no 200 (an answer lost, not an orphan). */
    readonly unacknowledged: number
  }
}

interface User {
  readonly email: string
  readonly id: string
  cookie: string
}

interface Sample {
  readonly operation: OperationName
  readonly status: number | 'error'
  readonly ms: number
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

function pick(users: readonly User[]): User {
  return users[Math.floor(Math.random() * users.length)]!
}

function chooseOperation(index: number, users: readonly User[]): OperationName {
  return users.length === 0 ? 'sign-up' : CYCLE[index % CYCLE.length]!
}

/** Whether a URL is on this machine's loopback: the load never leaves it. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/**
 * Runs the load against a running service and checks the users it created.
 *
 * @example
 * const report = await runLoad(service, { durationSeconds: 10, maxRequests: 500, concurrency: 8 })
 */
export async function runLoad(service: TestService, options: LoadOptions): Promise<LoadReport> {
  if (!isLoopback(service.url)) throw new Error(`refusing to load ${service.url}: loopback only`)
  const run = randomBytes(4).toString('hex')
  const loadAverage = loadavg()
  const users: User[] = []
  const samples: Sample[] = []
  let nullSessions = 0
  let started = 0
  const start = performance.now()
  const deadline = start + options.durationSeconds * 1000

  async function timed(operation: OperationName, send: () => Promise<Response>): Promise<Response | undefined> {
    const before = performance.now()
    try {
      const response = await send()
      await response.clone().arrayBuffer()
      samples.push({ operation, status: response.status, ms: performance.now() - before })
      return response
    } catch {
      samples.push({ operation, status: 'error', ms: performance.now() - before })
      return undefined
    }
  }

  async function step(operation: OperationName) {
    if (operation === 'sign-up') {
      const client = service.client()
      const email = `load-${run}-${randomBytes(6).toString('hex')}@example.com`
      const response = await timed(operation, () => client.signUp(email, PASSWORD, 'Load User'))
      if (response?.status === 200) {
        const { user } = (await response.json()) as { user: { id: string } }
        users.push({ email, id: user.id, cookie: client.cookieHeader() })
      }
    } else if (operation === 'sign-in') {
      const user = pick(users)
      const client = service.client()
      const response = await timed(operation, () => client.signIn(user.email, PASSWORD))
      if (response?.status === 200) user.cookie = client.cookieHeader()
    } else {
      const user = pick(users)
      const response = await timed(operation, () =>
        service.request('/api/auth/get-session', { headers: { cookie: user.cookie } }),
      )
      if (response?.status === 200 && (await response.json()) === null) nullSessions += 1
    }
  }

  async function worker() {
    while (started < options.maxRequests && performance.now() < deadline) {
      started += 1
      await step(chooseOperation(started, users))
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  const elapsedSeconds = (performance.now() - start) / 1000

  const operations = Object.fromEntries(
    OPERATIONS.map((name) => {
      const own = samples.filter((s) => s.operation === name)
      const times = own.map((s) => s.ms).sort((a, b) => a - b)
      const statuses: Record<string, number> = {}
      for (const { status } of own) statuses[status] = (statuses[status] ?? 0) + 1
      return [name, { requests: own.length, statuses, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) }]
    }),
  ) as Record<OperationName, OperationReport>

  return {
    options,
    loadAverage,
    elapsedSeconds,
    requests: samples.length,
    throughputPerSecond: samples.length / elapsedSeconds,
    serverErrors: samples.filter((s) => typeof s.status === 'number' && s.status >= 500).length,
    transportErrors: samples.filter((s) => s.status === 'error').length,
    nullSessions,
    operations,
    users: await checkUsers(service.endpoint, `load-${run}-%`, users),
  }
}

/** Every acknowledged user exists with its credential account; no user of the run lacks one. */
async function checkUsers(endpoint: LocalNeon, pattern: string, acknowledged: readonly User[]) {
  const rows = await queryEndpoint(
    endpoint,
    `select u.id, count(a.id) from "user" u
       left join account a on a.user_id = u.id and a.provider_id = 'credential'
     where u.email like $1 group by u.id`,
    [pattern],
  )
  const withAccount = new Set(rows.filter(([, accounts]) => Number(accounts) > 0).map(([id]) => id))
  const known = new Set(acknowledged.map((user) => user.id))
  return {
    acknowledged: acknowledged.length,
    missing: acknowledged.filter((user) => !withAccount.has(user.id)).length,
    orphans: rows.filter(([, accounts]) => Number(accounts) === 0).length,
    unacknowledged: rows.filter(([id]) => !known.has(id ?? '')).length,
  }
}

/** The report as text, for a terminal and docs/reliability.md. */
export function formatReport(report: LoadReport, database: string): string {
  const { options, users } = report
  const lines = [
    `${new Date().toISOString().slice(0, 10)}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}`,
    `Worker in workerd on 127.0.0.1, database: local endpoint on ${database}`,
    `bounds: ${options.durationSeconds} s or ${options.maxRequests} requests, ${options.concurrency} concurrent; ` +
      `mix in turn: ${CYCLE.join(', ')}; load average before ${report.loadAverage.map((l) => l.toFixed(1)).join(' ')}`,
    '',
    'operation      requests   p50 ms   p99 ms   statuses',
  ]
  for (const name of OPERATIONS) {
    const row = report.operations[name]
    lines.push(
      `${name.padEnd(14)} ${String(row.requests).padStart(8)} ${row.p50Ms.toFixed(1).padStart(8)} ${row.p99Ms.toFixed(1).padStart(8)}   ${JSON.stringify(row.statuses)}`,
    )
  }
  lines.push(
    '',
    `${report.requests} requests in ${report.elapsedSeconds.toFixed(1)} s: ${report.throughputPerSecond.toFixed(1)} requests/s`,
    `5xx: ${report.serverErrors}; no answer: ${report.transportErrors}; null sessions after sign-in: ${report.nullSessions}`,
    `users: ${users.acknowledged} sign-ups acknowledged, ${users.missing} of them missing or without an account; ` +
      `${users.orphans} orphans; ${users.unacknowledged} created without an acknowledgment`,
  )
  return lines.join('\n')
}

/** The service for the run: on PGlite, or on an existing PostgreSQL database (migrated first). */
async function startLoadService(databaseUrl: string | undefined) {
  if (!databaseUrl) {
    const service = await startService(backendNamed('pglite'), {}, { onLog: () => undefined })
    return { service, database: 'PGlite', close: () => service.stop() }
  }
  const endpoint = await startLocalNeon({ backend: { kind: 'postgres', url: databaseUrl } })
  try {
    await migrateDatabase({ databaseUrl: WORKER_DATABASE_URL, neonHttpEndpoint: endpoint.url })
    const service = await startService(endpoint, {}, { onLog: () => undefined })
    const close = async () => {
      await service.stop()
      await endpoint.close()
    }
    return { service, database: `PostgreSQL (${new URL(databaseUrl).pathname.slice(1)})`, close }
  } catch (error) {
    await endpoint.close()
    throw error
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '30' },
      requests: { type: 'string', default: '3000' },
      concurrency: { type: 'string', default: '8' },
      'database-url': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      flood: { type: 'boolean', default: false },
      attempts: { type: 'string', default: '10000' },
      addresses: { type: 'string', default: '100' },
    },
  })
  if (values.flood) {
    if (!values['no-build']) buildWorkerBundle()
    const report = await runFlood({
      attempts: Number(values.attempts),
      addresses: Number(values.addresses),
      concurrency: Number(values.concurrency),
    })
    console.log(formatFlood(report))
    if (values.json) console.log(JSON.stringify(report))
    process.exitCode = report.legitimateSignIn === 200 ? 0 : 1
    return
  }
  const options: LoadOptions = {
    durationSeconds: Number(values.duration),
    maxRequests: Number(values.requests),
    concurrency: Number(values.concurrency),
  }
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`)
  }
  if (!values['no-build']) buildWorkerBundle()
  const { service, database, close } = await startLoadService(values['database-url'])
  try {
    const report = await runLoad(service, options)
    console.log(formatReport(report, database))
    if (values.json) console.log(JSON.stringify(report))
    const failed = report.serverErrors > 0 || report.users.missing > 0 || report.users.orphans > 0
    process.exitCode = failed ? 1 : 0
  } finally {
    await close()
  }
}

if (import.meta.main) await main()
