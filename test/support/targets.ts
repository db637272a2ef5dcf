/**
 * The deployed targets, each started from what would be deployed, given the service's bindings;
 * tests start them through `startService` (service.ts):
 *
 * - `workerd`: the wrangler bundle in workerd (Miniflare), bindings as Worker vars, HTTPS when given a
 *   certificate, its output to a callback when given one;
 * - `vercel-edge`: the Build Output API Edge Function in Vercel's Edge Runtime VM, bindings as `process.env`;
 * - `vercel-node`: the Build Output API Node.js function, built outside the repository (as Vercel
 *   runs it: no node_modules beside it), in a child process under vercel-node-launcher.ts, the
 *   stand-in for Vercel's Node launcher; bindings as its environment, stopped with SIGTERM;
 * - `node`: `src/node.ts` in a child process (as `npm start` runs it), bindings as its environment, stopped with SIGTERM.
 *
 * Each listens on a free port of 127.0.0.1 that it picks itself.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FUNCTION_NAME } from '../../scripts/build-vercel.ts'
import { startEdgeFunction, TEST_VERCEL_OUTPUT_DIR } from './edge-vm.ts'
import { captureServiceOutput } from './log-capture.ts'
import { createWorkerMiniflare, type WorkerServerOptions } from './worker.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

export const deployedTargets = ['workerd', 'vercel-edge', 'vercel-node', 'node'] as const
export type DeployedTarget = (typeof deployedTargets)[number]

/** One running instance of a target: an isolate (workerd, Edge VM) or a process (Node). */
export interface RunningInstance {
  /** Base URL on 127.0.0.1, without a trailing slash. */
  readonly url: string
  /** Stops it; for `node`, rejects unless the process exits cleanly (code 0) on SIGTERM. */
  stop(): Promise<void>
}

/**
 * Where global setup builds the Vercel Node.js output for tests: in the system's temporary
 * directory, so the function cannot resolve a package from the repository's node_modules (on
 * Vercel it has only its own directory); one per checkout.
 */
export const TEST_VERCEL_NODE_OUTPUT_DIR = join(
  tmpdir(),
  `edge-auth-test-vercel-node-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`,
)

const NODE_START_TIMEOUT_MS = 20_000
const NODE_STOP_TIMEOUT_MS = 15_000

/**
 * Starts a Node script (`.ts`) in a child process with exactly `env` (plus PATH) as its environment
 * and waits for its `{"event":"listening","url":…}` line. `name` is for messages.
 */
async function startNodeProcess(name: string, args: string[], env: Record<string, string>): Promise<RunningInstance> {
  // The flag lets Node 22.12–22.17 run .ts too (a no-op on Node 24).
  const child = spawn(process.execPath, ['--experimental-strip-types', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} target did not start within ${NODE_START_TIMEOUT_MS} ms:\n${output}`)),
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
    child.stdout.on('data', (chunk: Buffer) => captureServiceOutput(name, chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => captureServiceOutput(name, chunk.toString()))
    exited
      .then(
        ([code, signal]) =>
          reject(new Error(`${name} target exited before listening (code ${code}, signal ${signal}):\n${output}`)),
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
        throw new Error(`${name} target had already exited:\n${output}`)
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), NODE_STOP_TIMEOUT_MS)
      const [code, signal] = await exited
      clearTimeout(timer)
      if (code !== 0)
        throw new Error(
          `${name} target did not shut down cleanly on SIGTERM (code ${code}, signal ${signal}):\n${output}`,
        )
    },
  }
}

/** `src/node.ts` as `npm start` runs it, with PORT=0 and HOST=127.0.0.1. */
function startNode(bindings: Record<string, string>): Promise<RunningInstance> {
  return startNodeProcess('node', [`${root}/src/node.ts`], { ...bindings, PORT: '0', HOST: '127.0.0.1' })
}

/** The built Vercel Node.js function under the launcher stand-in, `bindings` as its environment. */
function startVercelNode(bindings: Record<string, string>): Promise<RunningInstance> {
  const functionDir = `${TEST_VERCEL_NODE_OUTPUT_DIR}/functions/${FUNCTION_NAME}.func`
  return startNodeProcess('vercel-node', [`${root}/test/support/vercel-node-launcher.ts`, functionDir], bindings)
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
    case 'vercel-node':
      return startVercelNode(bindings)
    case 'node':
      return startNode(bindings)
  }
}
