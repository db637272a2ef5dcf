/**
 * Runs the Vercel Edge artifact (`functions/index.func` of the Build Output API directory) in
 * Vercel's Edge Runtime VM (`edge-runtime`), as an HTTP server on 127.0.0.1.
 *
 * The VM has the Web globals of the Edge Runtime (fetch, Request, crypto.subtle, streams, …) and,
 * as on Vercel Edge, `process.env` (the test's bindings, one object for the VM's lifetime) and
 * `AsyncLocalStorage` — nothing else from Node: no `require`, no `Buffer`, no `node:` modules,
 * and code generation (`eval`, `new Function`) is off. Each call is a fresh isolate.
 *
 * The bundle is an ES module; the VM evaluates scripts. The module wrapper is converted with
 * esbuild (same code, `export default` becomes a variable), then registered as the fetch
 * listener the way `vercel dev` does: `default(request, event)`, the event standing in for
 * Vercel's context (`waitUntil`).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format } from 'node:util'
import { EdgeRuntime, runServer } from 'edge-runtime'
import * as esbuild from 'esbuild'
import { captureServiceOutput } from './log-capture.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
/** Where global setup builds the Vercel output for tests (`scripts/build-vercel.ts`). */
export const TEST_VERCEL_OUTPUT_DIR = `${root}/dist/test-vercel`
const MODULE_GLOBAL = '__edgeFunctionModule'

export interface RunningEdgeFunction {
  readonly url: string
  stop(): Promise<void>
}

interface VcConfig {
  runtime?: string
  entrypoint?: string
  envVarsInUse?: string[]
}

/** Reads the function's `.vc-config.json` and its entry, checking it is an Edge Function. */
export function readEdgeFunction(functionDir: string): { config: VcConfig; code: string } {
  const config = JSON.parse(readFileSync(`${functionDir}/.vc-config.json`, 'utf8')) as VcConfig
  if (config.runtime !== 'edge' || !config.entrypoint)
    throw new Error(`${functionDir} is not an Edge Function: ${JSON.stringify(config)}`)
  return { config, code: readFileSync(`${functionDir}/${config.entrypoint}`, 'utf8') }
}

/** The VM's console: each line to the log capture, then to this process's console. */
const capturingConsole = Object.fromEntries(
  (['log', 'info', 'debug', 'warn', 'error'] as const).map((method) => [
    method,
    (...args: unknown[]) => {
      captureServiceOutput('vercel-edge', format(...args))
      console[method](...args)
    },
  ]),
)

const scriptCache = new Map<string, Promise<string>>()

async function toScript(code: string): Promise<string> {
  const { code: script } = await esbuild.transform(code, {
    format: 'iife',
    globalName: MODULE_GLOBAL,
    loader: 'js',
    minifyWhitespace: true,
  })
  return `${script}
addEventListener('fetch', (event) => {
  const handler = ${MODULE_GLOBAL}.default
  if (typeof handler !== 'function') throw new TypeError('the Edge Function has no default export')
  event.respondWith(handler(event.request, event))
})`
}

/**
 * Starts a fresh Edge Runtime VM serving the function with `env` as its `process.env`.
 * Variables not declared in `envVarsInUse` are left out, as Vercel would.
 *
 * @example
 * const edge = await startEdgeFunction(`${TEST_VERCEL_OUTPUT_DIR}/functions/index.func`, { BETTER_AUTH_URL: '…' })
 * await fetch(`${edge.url}/health`)
 * await edge.stop()
 */
export async function startEdgeFunction(
  functionDir: string,
  env: Record<string, string>,
): Promise<RunningEdgeFunction> {
  const { config, code } = readEdgeFunction(functionDir)
  let script = scriptCache.get(code)
  if (!script) {
    script = toScript(code)
    scriptCache.set(code, script)
  }
  const declared = new Set(config.envVarsInUse ?? Object.keys(env))
  const processEnv = Object.fromEntries(Object.entries(env).filter(([name]) => declared.has(name)))
  const runtime = new EdgeRuntime({
    initialCode: await script,
    extend: (context) =>
      Object.assign(context, { process: { env: processEnv }, AsyncLocalStorage, console: capturingConsole }),
  })
  const server = await runServer({ runtime, host: '127.0.0.1', port: 0 })
  return {
    url: server.url.replace(/\/$/, ''),
    stop: () => server.close(),
  }
}
