/**
 * `npm run bench`: edge-auth side by side with stock BetterAuth (bench/stock: Hono's "Better Auth
 * on Cloudflare" example), both built by wrangler and run in workerd against one local Neon
 * endpoint, alternately: for each operation half the iterations run stock first, half ours first.
 * Both are built minified, as `npm run size` builds them, so only the code differs.
 * Per operation it prints the database round trips (each one an HTTPS request to Neon in
 * production; those the answer waits for, and those after it), the worker CPU per request (utime
 * + stime of the workerd process around the batch, from /proc: see bench/workerd.ts), the wall
 * time p50/p95 here, and the ratio ours/stock; then both bundle sizes (minified, gzip level 9,
 * as `npm run size`) and the cold start: a fresh workerd process per sample (so a fresh isolate),
 * its startup, and the time to the first response of a get-session, medians over samples taken
 * in turn (stock, ours, stock, …) with ratios against stock. Nothing is asserted; the numbers
 * are for comparing changes.
 *
 * @example
 * // npm run bench                                    → 100 iterations of each operation
 * // npm run bench -- --iterations 400                → more iterations, steadier figures
 * // npm run bench -- --db-latency-ms 80              → every query held 80 ms (a far region)
 * // npm run bench -- --cold-only --cold-starts 15    → sizes and cold start only
 * // npm run bench -- --cold-only --also next=/path/to/other/wrangler.toml
 * //   → another build of the Worker (an upgrade, an alias) in the cold-start and size rows too
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type BuiltWorker, cpuSeconds, type RunningWorker, startWorker } from '../bench/workerd.ts'
import type { LocalNeon } from '../db/local-neon/index.ts'
import { backendNamed, WORKER_DATABASE_URL } from '../test/support/backends.ts'
import { TestClient } from '../test/support/client.ts'
import { TEST_SECRET, uniqueEmail } from '../test/support/service.ts'
import { measureBundle } from './bundle-size.ts'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '100' },
    'db-latency-ms': { type: 'string', default: '0' },
    'cold-starts': { type: 'string', default: '7' },
    'cold-only': { type: 'boolean', default: false },
    also: { type: 'string', multiple: true, default: [] },
  },
})
const iterations = Math.max(2, Number(args.iterations))
const latencyMs = Math.max(0, Number(args['db-latency-ms']))
const coldStarts = Math.max(1, Number(args['cold-starts']))
const PASSWORD = 'bench password 1'
const FRONTEND = 'http://localhost:3000'
/** Time for work after the response (waitUntil) to finish before a batch's counters are read. */
const SETTLE_MS = 250

type Side = 'stock' | 'ours'

interface Service {
  readonly side: Side
  readonly worker: BuiltWorker
  readonly bindings: Record<string, string>
  running: RunningWorker
}

interface Operation {
  readonly name: string
  readonly sides: readonly Side[]
  /** What each iteration needs, made before the batch is measured. */
  prepare(service: Service, count: number): Promise<unknown[]>
  run(service: Service, input: unknown): Promise<Response>
}

let requests = 0
/**
 * Every request carries CF-Connecting-IP, as Cloudflare's edge sets it, so our limits count as in
 * production (one statement on a counted route); a new address each time, so a batch of sign-ins
 * is never refused. Stock BetterAuth's in-memory limiter costs no round trip either way.
 */
function fromClient(init: RequestInit | undefined): RequestInit {
  const headers = new Headers(init?.headers)
  const n = requests++
  headers.set('cf-connecting-ip', `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`)
  return { ...init, headers }
}

const client = (service: Service) =>
  new TestClient((path, init) => fetch(`${service.running.url}${path}`, fromClient(init)), FRONTEND)

async function signedUp(service: Service): Promise<{ tab: TestClient; email: string; userId: string }> {
  const tab = client(service)
  const email = uniqueEmail('bench')
  const response = await tab.signUp(email, PASSWORD)
  if (!response.ok) throw new Error(`${service.side}: sign-up answered ${response.status}`)
  return { tab, email, userId: (await response.json()).user.id }
}

/** One signed-in tab reused by every iteration. */
async function oneTab(service: Service, count: number) {
  const prepared = await signedUp(service)
  await prepared.tab.request('/api/auth/get-session') // fills the session cache, makes the signing key
  return Array.from({ length: count }, () => prepared)
}

type Tab = Awaited<ReturnType<typeof signedUp>>

const operations: Operation[] = [
  {
    name: 'get-session (no cookie)',
    sides: ['stock', 'ours'],
    prepare: async (service, count) => Array.from({ length: count }, () => client(service)),
    run: (_service, tab) => (tab as TestClient).request('/api/auth/get-session'),
  },
  {
    name: 'get-session (cookie)',
    sides: ['stock', 'ours'],
    prepare: oneTab,
    run: (_service, input) => (input as Tab).tab.request('/api/auth/get-session'),
  },
  {
    name: 'get-session (cookie, no cache)',
    sides: ['stock', 'ours'],
    prepare: oneTab,
    run: (_service, input) => (input as Tab).tab.request('/api/auth/get-session?disableCookieCache=true'),
  },
  {
    name: 'token (JWT)',
    sides: ['ours'],
    prepare: oneTab,
    run: (_service, input) => (input as Tab).tab.request('/api/auth/token'),
  },
  {
    name: 'sessions API (guard + list)',
    sides: ['ours'],
    prepare: oneTab,
    run: (_service, input) => (input as Tab).tab.request(`/api/users/${(input as Tab).userId}/sessions`),
  },
  {
    name: 'sign-in',
    sides: ['stock', 'ours'],
    prepare: async (service, count) => {
      const { email } = await signedUp(service)
      return Array.from({ length: count }, () => email)
    },
    run: (service, email) => client(service).signIn(email as string, PASSWORD),
  },
  {
    name: 'sign-up',
    sides: ['stock', 'ours'],
    prepare: async (service, count) => Array.from({ length: count }, () => client(service)),
    run: (_service, tab) => (tab as TestClient).signUp(uniqueEmail('bench'), PASSWORD),
  },
  {
    name: 'sign-out',
    sides: ['stock', 'ours'],
    prepare: async (service, count) => {
      const tabs: Tab[] = []
      for (let i = 0; i < count; i += 1) tabs.push(await signedUp(service))
      return tabs
    },
    run: (_service, input) => (input as Tab).tab.request('/api/auth/sign-out', { method: 'POST', json: {} }),
  },
]

interface Sample {
  times: number[]
  cpuSeconds: number
  /** Round trips the answers waited for. */
  roundTrips: number
  /** Round trips after the answers (waitUntil): the event log's inserts, a sign-in's give-back. */
  afterTrips: number
  count: number
}

/** What edge-auth writes after the answer: the auth event log (src/event-log.ts), and a successful sign-in giving back its throttle attempt (src/limits/index.ts). */
const isAfterAnswer = (sql: string[]) =>
  sql.some((statement) => statement.includes('"auth_event"') || statement.startsWith('UPDATE rate_limit SET count'))

async function measureBatch(endpoint: LocalNeon, service: Service, operation: Operation, count: number) {
  const inputs = await operation.prepare(service, count)
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  endpoint.resetStats()
  const times: number[] = []
  const cpuBefore = cpuSeconds(service.running.pid)
  for (const input of inputs) {
    const started = performance.now()
    const response = await operation.run(service, input)
    await response.arrayBuffer()
    times.push(performance.now() - started)
    if (response.status >= 400) throw new Error(`${service.side} ${operation.name}: ${response.status}`)
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  const cpu = cpuSeconds(service.running.pid) - cpuBefore
  const requests = endpoint.requests()
  const afterTrips = requests.filter(isAfterAnswer).length
  return { times, cpuSeconds: cpu, roundTrips: requests.length - afterTrips, afterTrips, count }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

function summarize(samples: Sample[]) {
  const times = samples.flatMap((s) => s.times).sort((a, b) => a - b)
  const count = samples.reduce((sum, s) => sum + s.count, 0)
  return {
    roundTrips: samples.reduce((sum, s) => sum + s.roundTrips, 0) / count,
    afterTrips: samples.reduce((sum, s) => sum + s.afterTrips, 0) / count,
    cpuMs: (1000 * samples.reduce((sum, s) => sum + s.cpuSeconds, 0)) / count,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
  }
}

/** A Worker in the cold-start and size comparison: stock, ours, and any `--also label=config`. */
interface Contender {
  readonly label: string
  readonly config: string
  readonly bindings: Record<string, string>
  worker?: BuiltWorker
}

/**
 * One cold start: a fresh workerd process (so a fresh isolate) running the Worker, and its first
 * request. "first response" is from creating the instance to the end of that answer; "startup CPU"
 * is the workerd process's CPU until it accepts requests (its own start and the script's compile
 * and top-level evaluation), in 10 ms ticks.
 */
async function coldStart(contender: Contender) {
  const running = await startWorker(contender.worker!, contender.bindings)
  try {
    const startupCpu = cpuSeconds(running.pid)
    const started = performance.now()
    const response = await fetch(`${running.url}/api/auth/get-session`, fromClient({ headers: { origin: FRONTEND } }))
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`${contender.label}: cold get-session answered ${response.status}`)
    const requestMs = performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    return {
      readyMs: running.readyMs,
      startupCpuMs: 1000 * startupCpu,
      firstResponseMs: running.readyMs + requestMs,
      firstRequestMs: requestMs,
      firstRequestCpuMs: 1000 * (cpuSeconds(running.pid) - startupCpu),
    }
  } finally {
    await running.stop()
  }
}

type ColdStart = Awaited<ReturnType<typeof coldStart>>

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const ratio = (ours: number, stock: number) => (stock > 0 ? (ours / stock).toFixed(2) : '-')
const fixed = (value: number | undefined, digits = 1) => (value === undefined ? '-' : value.toFixed(digits))

/** Cold starts of every contender, in turn and each round in another order, then medians and ratios to the first (stock). */
async function compareColdStarts(contenders: Contender[]): Promise<void> {
  const runs = new Map<string, ColdStart[]>(contenders.map((c) => [c.label, []]))
  for (let i = 0; i < coldStarts; i += 1) {
    const order = contenders.map((_, j) => contenders[(i + j) % contenders.length]!)
    for (const contender of order) runs.get(contender.label)!.push(await coldStart(contender))
  }
  const medians = contenders.map(({ label }) => {
    const samples = runs.get(label)!
    const of = (key: keyof ColdStart) => median(samples.map((sample) => sample[key]))
    return {
      label,
      firstResponseMs: of('firstResponseMs'),
      readyMs: of('readyMs'),
      startupCpuMs: of('startupCpuMs'),
      // A median of 10 ms ticks hides a difference under a tick; their mean resolves it.
      startupCpuMeanMs: samples.reduce((sum, sample) => sum + sample.startupCpuMs, 0) / samples.length,
      firstRequestMs: of('firstRequestMs'),
      firstRequestCpuMs: of('firstRequestCpuMs'),
    }
  })
  const stock = medians[0]!
  console.log(
    `\ncold start: a fresh workerd process per sample, ${coldStarts} samples each, taken in turn; medians ` +
      `(first request: GET get-session, no cookie; CPU in 10 ms ticks, so the mean of startup CPU too)`,
  )
  console.log(
    'worker        first response ms  ratio  ready ms  startup CPU ms  ratio  (mean)  first request ms  first request CPU ms',
  )
  for (const row of medians) {
    console.log(
      [
        row.label.padEnd(12),
        fixed(row.firstResponseMs).padStart(17),
        ratio(row.firstResponseMs, stock.firstResponseMs).padStart(5),
        fixed(row.readyMs).padStart(8),
        fixed(row.startupCpuMs).padStart(14),
        ratio(row.startupCpuMs, stock.startupCpuMs).padStart(5),
        fixed(row.startupCpuMeanMs).padStart(6),
        fixed(row.firstRequestMs).padStart(16),
        fixed(row.firstRequestCpuMs).padStart(20),
      ].join('  '),
    )
  }
}

/** The operations table: every operation on stock and ours, half the iterations each order. */
async function compareOperations(services: Record<Side, Service>): Promise<void> {
  for (const service of Object.values(services)) service.running = await startWorker(service.worker, service.bindings)
  try {
    console.log(
      `\n${iterations} iterations per operation and side, alternating; workerd, local endpoint on PGlite, ` +
        `${latencyMs} ms added per query; CPU: utime+stime of the workerd process\n`,
    )
    const header = [
      'operation'.padEnd(31),
      'trips stock/ours',
      'CPU ms stock/ours',
      'ratio',
      'p50 ms stock/ours',
      'ratio',
      'p95 ms stock/ours',
      'ours after answer',
    ]
    console.log(header.join('  '))
    for (const operation of operations) {
      const samples: Record<Side, Sample[]> = { stock: [], ours: [] }
      const half = Math.ceil(iterations / 2)
      for (const order of [
        ['stock', 'ours'],
        ['ours', 'stock'],
      ] as const) {
        for (const side of order) {
          if (!operation.sides.includes(side)) continue
          samples[side].push(await measureBatch(endpoint, services[side], operation, half))
        }
      }
      const stock = samples.stock.length > 0 ? summarize(samples.stock) : undefined
      const ours = summarize(samples.ours)
      console.log(
        [
          operation.name.padEnd(31),
          `${fixed(stock?.roundTrips)} / ${fixed(ours.roundTrips)}`.padStart(16),
          `${fixed(stock?.cpuMs)} / ${fixed(ours.cpuMs)}`.padStart(17),
          (stock ? ratio(ours.cpuMs, stock.cpuMs) : '-').padStart(5),
          `${fixed(stock?.p50)} / ${fixed(ours.p50)}`.padStart(17),
          (stock ? ratio(ours.p50, stock.p50) : '-').padStart(5),
          `${fixed(stock?.p95)} / ${fixed(ours.p95)}`.padStart(17),
          fixed(ours.afterTrips).padStart(17),
        ].join('  '),
      )
    }
  } finally {
    for (const service of Object.values(services)) await service.running?.stop()
  }
}

const database = backendNamed('pglite')
const endpoint = await database.start()
endpoint.faults.setLatency(latencyMs)
const common = {
  BETTER_AUTH_SECRET: TEST_SECRET,
  BETTER_AUTH_URL: 'http://localhost:8787',
  DATABASE_URL: WORKER_DATABASE_URL,
  NEON_HTTP_ENDPOINT: endpoint.url,
}
// Limits on, as deployed: each request comes from its own address (fromClient), so they count
// every sign-in and sign-up (one statement) and refuse none.
const oursBindings = { ...common, TRUSTED_ORIGINS: FRONTEND }
const contenders: Contender[] = [
  { label: 'stock', config: `${root}/bench/stock/wrangler.toml`, bindings: { ...common, TRUSTED_ORIGIN: FRONTEND } },
  { label: 'ours', config: `${root}/wrangler.toml`, bindings: oursBindings },
  ...args.also.map((entry) => {
    const [label, config] = entry.split('=')
    if (!label || !config) throw new Error(`--also takes label=path/to/wrangler.toml, not ${entry}`)
    return { label, config: resolve(config), bindings: oursBindings }
  }),
]

try {
  console.log(`Building ${contenders.map((c) => c.label).join(', ')} with wrangler, minified…`)
  const sizes: number[] = []
  for (const contender of contenders) {
    const built = measureBundle(contender.config, `${root}/dist/bench/${contender.label}`)
    contender.worker = { name: contender.label, config: contender.config, scriptPath: resolve(root, built.bundle) }
    sizes.push(built.gzipBytes / 1024)
  }
  const services: Record<Side, Service> = {
    stock: { side: 'stock', worker: contenders[0]!.worker!, bindings: contenders[0]!.bindings, running: null! },
    ours: { side: 'ours', worker: contenders[1]!.worker!, bindings: contenders[1]!.bindings, running: null! },
  }
  if (!args['cold-only']) await compareOperations(services)

  console.log(
    `\nbundle, minified gzip: ${contenders.map(({ label }, i) => `${label} ${sizes[i]!.toFixed(1)} KiB`).join(', ')} ` +
      `(ratio ${contenders
        .slice(1)
        .map((_, i) => ratio(sizes[i + 1]!, sizes[0]!))
        .join(', ')})`,
  )
  await compareColdStarts(contenders)
} finally {
  await endpoint.close()
  await database.cleanup()
}
