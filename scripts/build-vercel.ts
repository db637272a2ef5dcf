/**
 * `npm run build:vercel`: builds the Vercel deployment offline, in the Build Output API v3
 * layout, without the Vercel CLI or an account, for one of two targets:
 *
 * - `node` (the default): a Node.js function (Fluid compute), src/vercel-node.ts bundled for Node
 *   as `index.mjs`, importing only Node built-ins;
 *   `.vc-config.json` = { runtime: 'nodejs24.x', handler: 'index.mjs', launcherType: 'Nodejs', … }
 * - `edge` (`npm run build:vercel -- --edge`): an Edge Function, src/vercel.ts bundled with the
 *   conditions Vercel's Edge bundling uses (`edge-light`, `worker`, `browser`) as `index.js`,
 *   importing nothing and holding no Node built-in; `.vc-config.json` = { runtime: 'edge', … }
 *
 *   .vercel/output/config.json          every route → the `index` function
 *   .vercel/output/functions/index.func  the function
 *
 * The build fails if the bundle imports anything it may not. Deploy
 * with `vercel deploy --prebuilt`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'
import { ENV_VARIABLES } from '../src/config/env.ts'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
export const DEFAULT_OUTPUT_DIR = `${root}/.vercel/output`
/** The function every route goes to; its directory is `functions/<name>.func`. */
export const FUNCTION_NAME = 'index'
const EDGE_CONDITIONS = ['edge-light', 'worker', 'browser']
/** Vercel's newest Node.js runtime; Node 24 is also what the project runs on. */
export const NODE_RUNTIME = 'nodejs24.x'

/** The two Vercel targets: `node` (Node.js function, the default) and `edge` (Edge Function). */
export type VercelRuntime = 'node' | 'edge'
export const DEFAULT_VERCEL_RUNTIME: VercelRuntime = 'node'

export interface VercelBuild {
  readonly runtime: VercelRuntime
  readonly outputDir: string
  readonly functionDir: string
  /** Absolute path of the bundled entry (`index.mjs` for Node, `index.js` for Edge). */
  readonly entry: string
  readonly bytes: number
  readonly gzipBytes: number
}

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)])
/**
 * Optional packages the Node bundle may name without holding: each importer loads it inside a
 * try/catch and carries on without it (ws: `bufferutil`, `utf-8-validate`; BetterAuth's
 * instrumentation: `@opentelemetry/api`), as on any install that lacks them.
 */
const OPTIONAL_EXTERNALS = new Set(['bufferutil', 'utf-8-validate', '@opentelemetry/api'])

/** Edge: no import left, no Node built-in named. Node: Node built-ins only, nothing from node_modules. */
function assertSelfContained(runtime: VercelRuntime, metafile: esbuild.Metafile, code: string): void {
  const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => i.path))
  if (runtime === 'node') {
    const foreign = imports.filter((path) => !NODE_BUILTINS.has(path) && !OPTIONAL_EXTERNALS.has(path))
    if (foreign.length > 0)
      throw new Error(`the Node bundle still imports ${foreign.join(', ')}; only Node built-ins may stay outside it`)
    return
  }
  if (imports.length > 0)
    throw new Error(`the Edge bundle still imports ${imports.join(', ')}; it must be self-contained`)
  const builtins = code.match(/["'`]node:[a-z_/]+["'`]/g)
  if (builtins) throw new Error(`the Edge bundle references Node built-ins: ${[...new Set(builtins)].join(', ')}`)
}

/** esbuild options per target; everything else is shared. */
function targetOptions(runtime: VercelRuntime, functionDir: string): esbuild.BuildOptions {
  if (runtime === 'edge')
    return {
      entryPoints: [`${root}/src/vercel.ts`],
      platform: 'browser',
      conditions: EDGE_CONDITIONS,
      target: 'es2022',
      outfile: `${functionDir}/index.js`,
    }
  return {
    entryPoints: [`${root}/src/vercel-node.ts`],
    platform: 'node',
    target: 'node22',
    outfile: `${functionDir}/index.mjs`,
    // CommonJS dependencies bundled into an ES module still call `require` for Node built-ins.
    banner: {
      js: "import{createRequire as __edgeAuthRequire}from'node:module';const require=__edgeAuthRequire(import.meta.url);",
    },
  }
}

/** The function's `.vc-config.json`. */
function vcConfig(runtime: VercelRuntime): Record<string, unknown> {
  if (runtime === 'edge') return { runtime: 'edge', entrypoint: 'index.js', envVarsInUse: ENV_VARIABLES }
  return {
    runtime: NODE_RUNTIME,
    handler: 'index.mjs',
    launcherType: 'Nodejs',
    // Vercel's req/res helpers are for (req, res) handlers; a Web handler reads the Request itself.
    shouldAddHelpers: false,
    supportsResponseStreaming: true,
  }
}

/** `--edge` or `--node` on the command line; the default otherwise. */
export function runtimeFromArgs(argv: readonly string[]): VercelRuntime {
  const edge = argv.includes('--edge')
  const node = argv.includes('--node')
  if (edge && node) throw new Error('build:vercel takes --edge or --node, not both')
  return edge ? 'edge' : node ? 'node' : DEFAULT_VERCEL_RUNTIME
}

/**
 * Builds the Build Output API v3 directory for a target (replacing what was there).
 *
 * @example
 * const build = await buildVercelOutput(`${root}/dist/test-vercel-node`, 'node')
 * console.log(build.entry, build.gzipBytes)
 */
export async function buildVercelOutput(
  outputDir = DEFAULT_OUTPUT_DIR,
  runtime: VercelRuntime = DEFAULT_VERCEL_RUNTIME,
): Promise<VercelBuild> {
  const functionDir = `${outputDir}/functions/${FUNCTION_NAME}.func`
  rmSync(outputDir, { recursive: true, force: true })
  mkdirSync(functionDir, { recursive: true })

  const result = await esbuild.build({
    ...targetOptions(runtime, functionDir),
    bundle: true,
    write: false,
    format: 'esm',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  })
  const output = result.outputFiles[0]
  if (!output) throw new Error('esbuild produced no output')
  assertSelfContained(runtime, result.metafile, output.text)
  writeFileSync(output.path, output.contents)

  writeFileSync(`${functionDir}/.vc-config.json`, `${JSON.stringify(vcConfig(runtime), null, 2)}\n`)
  const config = { version: 3, routes: [{ src: '/(.*)', dest: `/${FUNCTION_NAME}` }] }
  writeFileSync(`${outputDir}/config.json`, `${JSON.stringify(config, null, 2)}\n`)

  return {
    runtime,
    outputDir,
    functionDir,
    entry: output.path,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength,
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  const outputDir = args.find((arg) => !arg.startsWith('--')) ?? DEFAULT_OUTPUT_DIR
  const build = await buildVercelOutput(outputDir, runtimeFromArgs(args))
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`
  console.log(
    `build:vercel: ${build.runtime === 'node' ? `Node.js function (${NODE_RUNTIME})` : 'Edge Function'}, ${build.entry}`,
  )
  console.log(
    `build:vercel: ${kib(build.bytes)} raw, ${kib(build.gzipBytes)} gzip; deploy with \`vercel deploy --prebuilt\``,
  )
}
