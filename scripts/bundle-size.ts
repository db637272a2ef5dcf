/**
 * `npm run size`: the Worker's size budget. Builds the bundle exactly as `wrangler deploy` would
 * upload it (`wrangler deploy --dry-run --outdir dist/size`, with wrangler's own esbuild metafile;
 * no flag of its own, so wrangler.toml's `minify = true` is what makes it small), prints its raw and gzip size (node:zlib, level 9), the 15 inputs that
 * contribute most bytes, and the same grouped by package; exits 1 when gzip exceeds the budget.
 *
 * @example
 * // npm run size            → prints the report; exit code 1 when over 294 KiB gzip
 * // node scripts/bundle-size.ts --json   → the report as JSON
 * // node scripts/bundle-size.ts --ceiling-kib 296   → fail only above 296 KiB (CI's regression gate)
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { bundleAliases } from './bundle-aliases.ts'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
/**
 * 294 KiB of gzip: the size of stock BetterAuth on Hono (Hono's "Better Auth on Cloudflare" example,
 * Drizzle over neon-http), measured the same way. Everything edge-auth adds must fit inside it.
 */
export const GZIP_BUDGET_BYTES = 294 * 1024
const OUTDIR = `${root}/dist/size`
const TOP = 15

interface Metafile {
  inputs: Record<string, { imports?: { path: string; original?: string }[] }>
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>
}

/**
 * An alias by relative specifier (`"./openapi.mjs"`) replaces every import written that way, in any
 * package. It is meant for one file: every importer must name the same file with it. Returns a
 * problem per specifier that two importers use for different files.
 *
 * @example
 * aliasCollisions(metafile, ['./openapi.mjs']) // [] or ['./openapi.mjs: …']
 */
export function aliasCollisions(metafile: Pick<Metafile, 'inputs'>, specifiers: readonly string[]): string[] {
  const problems: string[] = []
  for (const specifier of specifiers.filter((s) => s.startsWith('.'))) {
    const targets = new Set<string>()
    for (const [importer, { imports = [] }] of Object.entries(metafile.inputs))
      if (imports.some((i) => i.original === specifier)) targets.add(join(dirname(importer), specifier))
    if (targets.size > 1) problems.push(`${specifier}: one alias for ${[...targets].join(', ')}`)
  }
  return problems
}

export interface SizeReport {
  readonly bundle: string
  readonly rawBytes: number
  readonly gzipBytes: number
  readonly budgetBytes: number
  readonly overBudget: boolean
  /** Inputs by bytes in the minified output, largest first. */
  readonly inputs: { path: string; bytes: number }[]
  /** The same, summed per npm package (`src` and `db` for our own code). */
  readonly packages: { name: string; bytes: number }[]
  /** Relative-specifier aliases that would replace more than one file (see aliasCollisions). */
  readonly aliasProblems: string[]
}

/** `node_modules/.pnpm/…/node_modules/@scope/pkg/dist/x.js` → `@scope/pkg`; our own files by top folder. */
export function packageOf(input: string): string {
  const parts = input.split('node_modules/')
  const last = parts[parts.length - 1]!
  if (parts.length === 1) return last.split('/')[0] ?? last
  const segments = last.split('/')
  return segments[0]!.startsWith('@') ? `${segments[0]}/${segments[1]}` : segments[0]!
}

/**
 * Builds the Worker with wrangler as `wrangler deploy` would, and measures it.
 *
 * @example
 * const report = measureWorkerBundle()
 * if (report.overBudget) console.log(report.packages.slice(0, 5))
 */
export function measureWorkerBundle(): SizeReport {
  rmSync(OUTDIR, { recursive: true, force: true })
  const metafilePath = `${OUTDIR}/bundle-meta.json`
  execFileSync(
    `${root}/node_modules/.bin/wrangler`,
    ['deploy', '--dry-run', '--outdir', OUTDIR, '--metafile', metafilePath, '--config', `${root}/wrangler.toml`],
    { cwd: root, stdio: 'pipe', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
  )
  const bundle = `${OUTDIR}/index.js`
  const code = readFileSync(bundle)
  const metafile = JSON.parse(readFileSync(metafilePath, 'utf8')) as Metafile
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('index.js'))?.[1]
  if (!output) throw new Error(`no index.js in ${metafilePath}`)

  const inputs = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
  const byPackage = new Map<string, number>()
  for (const input of inputs)
    byPackage.set(packageOf(input.path), (byPackage.get(packageOf(input.path)) ?? 0) + input.bytes)
  const gzipBytes = gzipSync(code, { level: 9 }).byteLength

  return {
    bundle,
    rawBytes: code.byteLength,
    gzipBytes,
    budgetBytes: GZIP_BUDGET_BYTES,
    overBudget: gzipBytes > GZIP_BUDGET_BYTES,
    inputs,
    packages: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    aliasProblems: aliasCollisions(metafile, Object.keys(bundleAliases())),
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(7)} KiB`

function printReport(report: SizeReport): void {
  const minified = report.inputs.reduce((sum, input) => sum + input.bytes, 0)
  console.log(`Worker bundle ${report.bundle}`)
  console.log(`  raw  ${kib(report.rawBytes)} (${report.rawBytes} bytes)`)
  console.log(
    `  gzip ${kib(report.gzipBytes)} (${report.gzipBytes} bytes, level 9); budget ${kib(report.budgetBytes)} (${report.budgetBytes} bytes)`,
  )
  console.log(`\nTop ${TOP} inputs by minified bytes in the bundle:`)
  for (const input of report.inputs.slice(0, TOP)) {
    console.log(`  ${kib(input.bytes)} ${((100 * input.bytes) / minified).toFixed(1).padStart(5)}%  ${input.path}`)
  }
  console.log(`\nBy package:`)
  for (const pkg of report.packages.slice(0, TOP)) {
    console.log(`  ${kib(pkg.bytes)} ${((100 * pkg.bytes) / minified).toFixed(1).padStart(5)}%  ${pkg.name}`)
  }
  const verdict = report.overBudget
    ? `OVER BUDGET by ${kib(report.gzipBytes - report.budgetBytes).trim()} gzip`
    : `within budget (${kib(report.budgetBytes - report.gzipBytes).trim()} to spare)`
  console.log(`\n${verdict}`)
}

/** `--ceiling-kib N`: fail only above N KiB gzip (a regression gate), still reporting the budget. */
function ceilingBytes(argv: string[]): number {
  const index = argv.indexOf('--ceiling-kib')
  if (index < 0) return GZIP_BUDGET_BYTES
  const kibValue = Number(argv[index + 1])
  if (!(kibValue > 0)) throw new Error('--ceiling-kib needs a positive number')
  return Math.round(kibValue * 1024)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ceiling = ceilingBytes(process.argv)
  const report = measureWorkerBundle()
  if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2))
  else printReport(report)
  if (ceiling !== GZIP_BUDGET_BYTES) {
    console.log(`regression ceiling ${kib(ceiling).trim()} gzip: ${report.gzipBytes > ceiling ? 'EXCEEDED' : 'held'}`)
  }
  for (const problem of report.aliasProblems) console.log(`ALIAS REPLACES MORE THAN ONE FILE ${problem}`)
  process.exitCode = report.gzipBytes > ceiling || report.aliasProblems.length > 0 ? 1 : 0
}
