/**
 * `npm run build:vercel`: builds the Vercel deployment offline, in the Build Output API v3
 * layout, without the Vercel CLI or an account:
 *
 *   .vercel/output/config.json                        every route → the `index` function
 *   .vercel/output/functions/index.func/.vc-config.json  { runtime: 'edge', entrypoint: 'index.js', … }
 *   .vercel/output/functions/index.func/index.js         src/vercel.ts bundled and minified for the edge
 *
 * The bundle resolves packages with the conditions Vercel's Edge bundling uses (`edge-light`,
 * `worker`, `browser`), imports nothing at run time and contains no Node built-in: the build
 * fails if any import is left in the output. Deploy with `vercel deploy --prebuilt`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'
import { ENV_VARIABLES } from '../src/config/env.ts'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
export const DEFAULT_OUTPUT_DIR = `${root}/.vercel/output`
/** The function every route goes to; its directory is `functions/<name>.func`. */
export const FUNCTION_NAME = 'index'
const ENTRY = `${root}/src/vercel.ts`
const EDGE_CONDITIONS = ['edge-light', 'worker', 'browser']

export interface VercelBuild {
  readonly outputDir: string
  readonly functionDir: string
  /** Absolute path of the bundled entry (`index.js`). */
  readonly entry: string
  readonly bytes: number
  readonly gzipBytes: number
}

function assertSelfContained(metafile: esbuild.Metafile, code: string): void {
  const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => i.path))
  if (imports.length > 0)
    throw new Error(`the Edge bundle still imports ${imports.join(', ')}; it must be self-contained`)
  const builtins = code.match(/["'`]node:[a-z_/]+["'`]/g)
  if (builtins) throw new Error(`the Edge bundle references Node built-ins: ${[...new Set(builtins)].join(', ')}`)
}

/**
 * Builds the Build Output API v3 directory (replacing what was there).
 *
 * @example
 * const build = await buildVercelOutput(`${root}/dist/test-vercel`)
 * console.log(build.entry, build.gzipBytes)
 */
export async function buildVercelOutput(outputDir = DEFAULT_OUTPUT_DIR): Promise<VercelBuild> {
  const functionDir = `${outputDir}/functions/${FUNCTION_NAME}.func`
  rmSync(outputDir, { recursive: true, force: true })
  mkdirSync(functionDir, { recursive: true })

  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: EDGE_CONDITIONS,
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    outfile: `${functionDir}/index.js`,
  })
  const output = result.outputFiles[0]
  if (!output) throw new Error('esbuild produced no output')
  assertSelfContained(result.metafile, output.text)
  writeFileSync(output.path, output.contents)

  const vcConfig = { runtime: 'edge', entrypoint: 'index.js', envVarsInUse: ENV_VARIABLES }
  writeFileSync(`${functionDir}/.vc-config.json`, `${JSON.stringify(vcConfig, null, 2)}\n`)
  const config = { version: 3, routes: [{ src: '/(.*)', dest: `/${FUNCTION_NAME}` }] }
  writeFileSync(`${outputDir}/config.json`, `${JSON.stringify(config, null, 2)}\n`)

  return {
    outputDir,
    functionDir,
    entry: output.path,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength,
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const build = await buildVercelOutput(process.argv[2] ?? DEFAULT_OUTPUT_DIR)
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`
  console.log(`build:vercel: ${build.entry}`)
  console.log(
    `build:vercel: ${kib(build.bytes)} raw, ${kib(build.gzipBytes)} gzip; deploy with \`vercel deploy --prebuilt\``,
  )
}
