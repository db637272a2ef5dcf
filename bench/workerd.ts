/**
 * Workers for `npm run bench`: a bundle built by wrangler, run in workerd (Miniflare) with given
 * bindings, and the CPU time of its workerd process. Miniflare does not expose workerd's own CPU
 * accounting, so CPU is read from the kernel: utime + stime of the workerd process (all its
 * threads) in /proc/<pid>/stat, in clock ticks (`getconf CLK_TCK`, 100 per second on Linux).
 * A tick is 10 ms: measure batches of requests, never one.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100

export interface BuiltWorker {
  readonly name: string
  /** wrangler.toml of the Worker. */
  readonly config: string
  readonly scriptPath: string
}

/** Builds a Worker as `wrangler deploy` would upload it into `outdir`. */
export function buildWorker(name: string, config: string, outdir: string): BuiltWorker {
  execFileSync(`${root}/node_modules/.bin/wrangler`, ['deploy', '--dry-run', '--outdir', outdir, '--config', config], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  })
  // wrangler names the output after the entry (`main`) file.
  const main = /^main\s*=\s*"([^"]+)"/m.exec(readFileSync(config, 'utf8'))?.[1] ?? 'index.ts'
  return { name, config, scriptPath: `${outdir}/${basename(main).replace(/\.ts$/, '.js')}` }
}

function compatibility(config: string): { date: string; flags: string[] } {
  const text = readFileSync(config, 'utf8')
  const date = /compatibility_date\s*=\s*"([^"]+)"/.exec(text)?.[1]
  const flags = /compatibility_flags\s*=\s*\[([^\]]*)\]/.exec(text)?.[1] ?? ''
  if (!date) throw new Error(`${config} has no compatibility_date`)
  return { date, flags: [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) }
}

function workerdChildren(): Set<number> {
  const pids = new Set<number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (comm === 'workerd' && ppid === process.pid) pids.add(Number(entry))
    } catch {
      // a process that ended while listing
    }
  }
  return pids
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // After the comm: state(0) ppid(1) … utime(11) stime(12), i.e. fields 14 and 15 of proc(5).
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

export interface RunningWorker {
  readonly url: string
  readonly pid: number
  /** Milliseconds from creating the instance to workerd accepting requests. */
  readonly readyMs: number
  stop(): Promise<void>
}

/** Starts a fresh workerd process (so a fresh isolate) running the Worker with these bindings. */
export async function startWorker(worker: BuiltWorker, bindings: Record<string, string>): Promise<RunningWorker> {
  const { date, flags } = compatibility(worker.config)
  const before = workerdChildren()
  const started = performance.now()
  const mf = new Miniflare({
    ...convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: 0,
      modules: true,
      scriptPath: worker.scriptPath,
      compatibilityDate: date,
      compatibilityFlags: flags,
      bindings,
      cf: false,
    }),
    enableDevRegistry: false,
  })
  try {
    const url = (await mf.ready).toString().replace(/\/$/, '')
    const readyMs = performance.now() - started
    const spawned = [...workerdChildren()].filter((pid) => !before.has(pid))
    if (spawned.length !== 1) throw new Error(`expected one new workerd process, found ${spawned.length}`)
    return { url, pid: spawned[0]!, readyMs, stop: () => mf.dispose() }
  } catch (error) {
    await mf.dispose()
    throw error
  }
}
