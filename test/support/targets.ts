/**
 * The deployed targets, each started from what would be deployed, given the service's bindings;
 * tests start them through `startService` (service.ts):
 *
 * - `workerd`: the wrangler bundle in workerd (Miniflare), bindings as Worker vars, HTTPS when given a
 *   certificate, its output to a callback when given one;
 * - `vercel-edge`: the Build Output API function in Vercel's Edge Runtime VM, bindings as `process.env`;
 * - `node`: `src/node.ts` in a child process (as `npm start` runs it), bindings as its environment, stopped with SIGTERM.
 *
 * Each listens on a free port of 127.0.0.1 that it picks itself.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { FUNCTION_NAME } from '../../scripts/build-vercel.ts'
import { startEdgeFunction, TEST_VERCEL_OUTPUT_DIR } from './edge-vm.ts'
import { captureServiceOutput } from './log-capture.ts'
import { createWorkerMiniflare, type WorkerServerOptions } from './worker.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

export const deployedTargets = ['workerd', 'vercel-edge', 'node'] as const
export type DeployedTarget = (typeof deployedTargets)[number]

/** One running instance of a target: an isolate (workerd, Edge VM) or a process (Node). */
export interface RunningInstance {
  /** Base URL on 127.0.0.1, without a trailing slash. */
  readonly url: string
  /** Stops it; for `node`, rejects unless the process exits cleanly (code 0) on SIGTERM. */
  stop(): Promise<void>
}

const NODE_START_TIMEOUT_MS = 20_000
const NODE_STOP_TIMEOUT_MS = 15_000

/**
 * Starts `src/node.ts` in a child process with exactly `bindings` (plus PATH, PORT=0, HOST=127.0.0.1) as its
 * environment and waits for its `listening` line.
 */
async function startNode(bindings: Record<string, string>): Promise<RunningInstance> {
  // As `npm start` runs it; the flag lets Node 22.12–22.17 run .ts too (a no-op on Node 24).
  const child = spawn(process.execPath, ['--experimental-strip-types', `${root}/src/node.ts`], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...bindings, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`node target did not start within ${NODE_START_TIMEOUT_MS} ms:\n${output}`)),
      NODE_START_TIMEOUT_MS,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      for (const line of output.split('\n')) {
        const listening = /^\{"event":"listening".*\}$/.test(line) ? (JSON.parse(line) as { url: string }) : undefined
        if (listening) {
          clearTimeout(timer)
          resolve(listening.url)
        }
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    // For the whole life of the process, not only until it listens.
    child.stdout.on('data', (chunk: Buffer) => captureServiceOutput('node', chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => captureServiceOutput('node', chunk.toString()))
    exited
      .then(
        ([code, signal]) =>
          reject(new Error(`node target exited before listening (code ${code}, signal ${signal}):\n${output}`)),
        (error: unknown) => reject(error),
      )
      .finally(() => clearTimeout(timer))
  }).catch((error: unknown) => {
    child.kill('SIGKILL')
    throw error
  })
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`node target had already exited:\n${output}`)
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), NODE_STOP_TIMEOUT_MS)
      const [code, signal] = await exited
      clearTimeout(timer)
      if (code !== 0)
        throw new Error(`node target did not shut down cleanly on SIGTERM (code ${code}, signal ${signal}):\n${output}`)
    },
  }
}

async function startWorkerd(bindings: Record<string, string>, server: WorkerServerOptions): Promise<RunningInstance> {
  // workerd's output always goes through the capture; to the test's onLog if it has one, else to this console.
  const onLog: NonNullable<WorkerServerOptions['onLog']> = (log) => {
    captureServiceOutput('workerd', log.message)
    if (server.onLog) server.onLog(log)
    else if (log.level === 'error' || log.level === 'warn') console.error(log.message)
    else console.log(log.message)
  }
  const mf = createWorkerMiniflare(bindings, { ...server, onLog })
  try {
    const url = (await mf.ready).toString().replace(/\/$/, '')
    return { url, stop: () => mf.dispose() }
  } catch (error) {
    await mf.dispose()
    throw error
  }
}

/**
 * Starts one instance of a deployed target with the given bindings; only workerd serves HTTPS or
 * hands its output to `onLog`.
 *
 * @example
 * const instance = await startInstance('vercel-edge', { BETTER_AUTH_URL: 'http://localhost:8787', … })
 * await fetch(`${instance.url}/health`)
 * await instance.stop()
 */
export async function startInstance(
  target: DeployedTarget,
  bindings: Record<string, string>,
  server: WorkerServerOptions = {},
): Promise<RunningInstance> {
  if ((server.tls || server.onLog) && target !== 'workerd')
    throw new Error(`${target} takes no server options; HTTPS and onLog are workerd's`)
  switch (target) {
    case 'workerd':
      return startWorkerd(bindings, server)
    case 'vercel-edge':
      return startEdgeFunction(`${TEST_VERCEL_OUTPUT_DIR}/functions/${FUNCTION_NAME}.func`, bindings)
    case 'node':
      return startNode(bindings)
  }
}
