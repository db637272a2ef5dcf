/**
 * `npm run bench:hash`: the CPU cost of a sign-in's password check (BetterAuth's scrypt
 * `verifyPassword`, its hash format) on each target: workerd (bench/hash as a Worker; CPU from the
 * workerd process in /proc), Vercel's Edge Runtime VM (the same file bundled for the edge: no
 * `node:crypto`, so BetterAuth's pure-JS scrypt; the VM runs in this process, CPU from
 * `process.cpuUsage`) and Node (`node:crypto` scrypt on the libuv pool, `process.cpuUsage`).
 *
 * @example
 * // npm run bench:hash                  → 20 checks per target
 * // npm run bench:hash -- --iterations 50
 */
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { verifyPassword } from 'better-auth/crypto'
import { EdgeRuntime } from 'edge-runtime'
import * as esbuild from 'esbuild'
import { buildWorker, cpuSeconds, startWorker } from '../bench/workerd.ts'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
const { values: args } = parseArgs({ options: { iterations: { type: 'string', default: '20' } } })
const iterations = Math.max(1, Number(args.iterations))

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000

async function onWorkerd(): Promise<number> {
  const worker = buildWorker('hash', `${root}/bench/hash/wrangler.toml`, `${root}/dist/bench/hash`)
  const running = await startWorker(worker, {})
  try {
    await (await fetch(running.url)).text() // the hash to check against
    const before = cpuSeconds(running.pid)
    for (let i = 0; i < iterations; i += 1) {
      const response = await fetch(running.url)
      if ((await response.text()) !== 'ok') throw new Error('workerd: the password did not verify')
    }
    return (1000 * (cpuSeconds(running.pid) - before)) / iterations
  } finally {
    await running.stop()
  }
}

async function onEdgeVm(): Promise<number> {
  const built = await esbuild.build({
    entryPoints: [`${root}/bench/hash/worker.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'hashWorker',
    platform: 'browser',
    conditions: ['edge-light', 'worker', 'browser'],
  })
  const runtime = new EdgeRuntime({ initialCode: built.outputFiles[0]!.text })
  const check = async () => {
    const response = (await runtime.evaluate('hashWorker.default.fetch()')) as Response
    if ((await response.text()) !== 'ok') throw new Error('Edge VM: the password did not verify')
  }
  await check()
  const before = process.cpuUsage()
  for (let i = 0; i < iterations; i += 1) await check()
  return cpuMs(process.cpuUsage(before)) / iterations
}

async function onNode(): Promise<number> {
  const { hashPassword } = await import('better-auth/crypto')
  const hash = await hashPassword('bench password 1')
  const before = process.cpuUsage()
  for (let i = 0; i < iterations; i += 1) {
    if (!(await verifyPassword({ hash, password: 'bench password 1' }))) throw new Error('Node: no match')
  }
  return cpuMs(process.cpuUsage(before)) / iterations
}

console.log(`BetterAuth verifyPassword (scrypt N=16384, r=16, p=1), CPU per check, ${iterations} checks per target`)
for (const [target, measure] of [
  ['workerd (node:crypto scrypt)', onWorkerd],
  ['Vercel Edge VM (pure-JS scrypt)', onEdgeVm],
  ['Node (node:crypto scrypt)', onNode],
] as const) {
  console.log(`${target.padEnd(34)} ${(await measure()).toFixed(1).padStart(7)} ms`)
}
