/**
 * The deployment targets the acceptance suite runs against, each started from what would be
 * deployed, given the service's bindings:
 *
 * - `workerd`: the wrangler bundle in workerd (Miniflare), bindings as Worker vars;
 * - `vercel-edge`: the Build Output API function in Vercel's Edge Runtime VM, bindings as `process.env`;
 * - `node`: `src/node.ts` in a child process (as `npm start` runs it), bindings as its environment, stopped with SIGTERM.
 *
 * `describeEveryBackendAndTarget` declares a suite once per database backend and target.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe } from 'vitest'
import type { LocalNeon } from '../../db/local-neon/index.ts'
import { FUNCTION_NAME } from '../../scripts/build-vercel.ts'
import { backendNamed, backendNames } from './backends.ts'
import { startEdgeFunction, TEST_VERCEL_OUTPUT_DIR } from './edge-vm.ts'
import { startWorker } from './worker.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

export const targetNames = ['workerd', 'vercel-edge', 'node'] as const
export type TargetName = (typeof targetNames)[number]

export interface RunningTarget {
  readonly name: TargetName
  /** Base URL on 127.0.0.1, without a trailing slash. */
  readonly url: string
  /** Stops the target; for `node`, rejects unless the process exits cleanly (code 0) on SIGTERM. */
  stop(): Promise<void>
}

const NODE_START_TIMEOUT_MS = 20_000
const NODE_STOP_TIMEOUT_MS = 15_000

/**
 * Starts `src/node.ts` in a child process with exactly `bindings` (plus PATH, PORT=0, HOST=127.0.0.1) as its
 * environment and waits for its `listening` line.
 */
async function startNode(bindings: Record<string, string>): Promise<RunningTarget> {
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
    exited
      .then(
        ([code, signal]) =>
          reject(new Error(`node target exited before listening (code ${code}, signal ${signal}):\n${output}`)),
        (error: unknown) => reject(error),
      )
      .finally(() => clearTimeout(timer))
  })
  return {
    name: 'node',
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

/**
 * Starts one target with the given bindings (see `serviceBindings`).
 *
 * @example
 * const target = await startTarget('vercel-edge', serviceBindings(endpoint))
 * await fetch(`${target.url}/health`)
 * await target.stop()
 */
export async function startTarget(name: TargetName, bindings: Record<string, string>): Promise<RunningTarget> {
  switch (name) {
    case 'workerd': {
      const worker = await startWorker(bindings)
      return { name, url: worker.url, stop: () => worker.stop() }
    }
    case 'vercel-edge': {
      const edge = await startEdgeFunction(`${TEST_VERCEL_OUTPUT_DIR}/functions/${FUNCTION_NAME}.func`, bindings)
      return { name, url: edge.url, stop: () => edge.stop() }
    }
    case 'node':
      return startNode(bindings)
  }
}

/** One backend's migrated endpoint, shared by every target's suite; read it inside hooks and tests. */
export interface BackendDatabase {
  readonly endpoint: LocalNeon
}

/**
 * `describe.each(backendNames)(title, …)` around `describe.each(targetNames)('%s', …)`: each
 * backend's endpoint starts in a `beforeAll`, and is closed and the backend cleaned up in an
 * `afterAll`; `suite` declares one target's hooks and tests.
 *
 * @example
 * describeEveryBackendAndTarget('acceptance on %s', (targetName, database) => {
 *   let target: RunningTarget
 *   beforeAll(async () => (target = await startTarget(targetName, serviceBindings(database.endpoint))))
 *   afterAll(() => target?.stop())
 * })
 */
export function describeEveryBackendAndTarget(
  title: string,
  suite: (targetName: TargetName, database: BackendDatabase) => void,
): void {
  describe.each(backendNames)(title, (backendName) => {
    const backend = backendNamed(backendName)
    let endpoint: LocalNeon | undefined

    beforeAll(async () => {
      endpoint = await backend.start()
    })
    afterAll(async () => {
      await endpoint?.close()
      await backend.cleanup()
    })

    const database: BackendDatabase = {
      get endpoint() {
        if (!endpoint) throw new Error(`the ${backendName} endpoint is not started (read it inside a hook or test)`)
        return endpoint
      },
    }
    describe.each(targetNames)('%s', (targetName) => suite(targetName, database))
  })
}
