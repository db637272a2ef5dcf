/**
 * `npm run size`: the Worker's gzip size against stock BetterAuth's, both measured in this run.
 * Builds each bundle as `wrangler deploy` would upload it (`wrangler deploy --dry-run --minify`,
 * with wrangler's own esbuild metafile): ours from wrangler.toml, stock from bench/stock (Hono's
 * "Better Auth on Cloudflare" example, Drizzle over neon-http). Prints ours raw and gzip (node:zlib,
 * level 9), stock's gzip, the 15 inputs that contribute most bytes and the same by package; exits 1
 * when ours exceeds stock + 25 %. Size is no longer what the platform limits (64 MiB per Worker);
 * the ceiling catches bloat, and cold start is `npm run bench`'s.
 *
 * @example
 * // npm run size                          → the report; exit code 1 above stock + 25 %
 * // node scripts/bundle-size.ts --json    → the report as JSON
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
export const OURS_CONFIG = `${root}/wrangler.toml`
export const STOCK_CONFIG = `${root}/bench/stock/wrangler.toml`
/** The ceiling: stock's gzip size plus a quarter. */
export const CEILING_OVER_STOCK = 1.25
const TOP = 15

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>
}

export interface BundleSize {
  readonly bundle: string
  readonly rawBytes: number
  readonly gzipBytes: number
  /** Inputs by bytes in the minified output, largest first. */
  readonly inputs: { path: string; bytes: number }[]
  /** The same, summed per npm package (`src` and `db` for our own code). */
  readonly packages: { name: string; bytes: number }[]
}

export interface SizeReport {
  readonly ours: BundleSize
  readonly stockGzipBytes: number
  /** stock × CEILING_OVER_STOCK, in bytes. */
  readonly ceilingBytes: number
  readonly overCeiling: boolean
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
 * Builds the Worker of `config` with wrangler, minified, as `wrangler deploy` would, into `outdir`,
 * and measures it.
 *
 * @example
 * measureBundle(STOCK_CONFIG, `${root}/dist/size/stock`).gzipBytes
 */
export function measureBundle(config: string, outdir: string): BundleSize {
  rmSync(outdir, { recursive: true, force: true })
  const metafilePath = `${outdir}/bundle-meta.json`
  execFileSync(
    `${root}/node_modules/.bin/wrangler`,
    ['deploy', '--dry-run', '--minify', '--outdir', outdir, '--metafile', metafilePath, '--config', config],
    { cwd: root, stdio: 'pipe', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
  )
  const metafile = JSON.parse(readFileSync(metafilePath, 'utf8')) as Metafile
  // Output paths in the metafile are relative to the config's folder; the script is in outdir.
  const [outputPath, output] = Object.entries(metafile.outputs).find(([path]) => path.endsWith('.js')) ?? []
  if (!outputPath || !output) throw new Error(`no script in ${metafilePath}`)
  const bundle = join(outdir, basename(outputPath))
  const code = readFileSync(bundle)

  const inputs = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
  const byPackage = new Map<string, number>()
  for (const input of inputs)
    byPackage.set(packageOf(input.path), (byPackage.get(packageOf(input.path)) ?? 0) + input.bytes)
  return {
    bundle,
    rawBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    inputs,
    packages: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
  }
}

/** Ours and stock, built and measured in one run, against the ceiling. */
export function measureAgainstStock(): SizeReport {
  const ours = measureBundle(OURS_CONFIG, `${root}/dist/size/ours`)
  const stockGzipBytes = measureBundle(STOCK_CONFIG, `${root}/dist/size/stock`).gzipBytes
  const ceilingBytes = Math.round(stockGzipBytes * CEILING_OVER_STOCK)
  return { ours, stockGzipBytes, ceilingBytes, overCeiling: ours.gzipBytes > ceilingBytes }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(7)} KiB`

function printReport({ ours, stockGzipBytes, ceilingBytes, overCeiling }: SizeReport): void {
  const minified = ours.inputs.reduce((sum, input) => sum + input.bytes, 0)
  console.log(`Worker bundle ${ours.bundle}`)
  console.log(`  raw  ${kib(ours.rawBytes)} (${ours.rawBytes} bytes)`)
  console.log(`  gzip ${kib(ours.gzipBytes)} (${ours.gzipBytes} bytes, level 9)`)
  console.log(
    `  stock BetterAuth gzip ${kib(stockGzipBytes).trim()} (${stockGzipBytes} bytes); ours/stock ${(ours.gzipBytes / stockGzipBytes).toFixed(2)}`,
  )
  console.log(`\nTop ${TOP} inputs by minified bytes in the bundle:`)
  for (const input of ours.inputs.slice(0, TOP)) {
    console.log(`  ${kib(input.bytes)} ${((100 * input.bytes) / minified).toFixed(1).padStart(5)}%  ${input.path}`)
  }
  console.log(`\nBy package:`)
  for (const pkg of ours.packages.slice(0, TOP)) {
    console.log(`  ${kib(pkg.bytes)} ${((100 * pkg.bytes) / minified).toFixed(1).padStart(5)}%  ${pkg.name}`)
  }
  const ceiling = `ceiling stock + 25 % = ${kib(ceilingBytes).trim()} gzip`
  console.log(
    overCeiling
      ? `\nOVER THE ${ceiling}, by ${kib(ours.gzipBytes - ceilingBytes).trim()}`
      : `\nwithin the ${ceiling} (${kib(ceilingBytes - ours.gzipBytes).trim()} to spare)`,
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = measureAgainstStock()
  if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2))
  else printReport(report)
  process.exitCode = report.overCeiling ? 1 : 0
}
