/**
 * `npm run bench` and `npm run bench:hash` keep working: both run in their smallest mode and print
 * every row. No figure is judged (speed belongs to the benchmark, not to tests).
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)

async function script(path: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--experimental-strip-types', path, ...args], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  })
  return stdout
}

describe('the benchmarks', () => {
  it('prints the side-by-side table, bundle sizes and cold starts against stock with --iterations 2', async () => {
    const output = await script('scripts/bench.ts', ['--iterations', '2', '--cold-starts', '1', '--db-latency-ms', '1'])
    for (const row of [
      'get-session (no cookie)',
      'get-session (cookie)',
      'get-session (cookie, no cache)',
      'token (JWT)',
      'sessions API (guard + list)',
      'sign-in',
      'sign-up',
      'sign-out',
    ]) {
      expect(output).toMatch(new RegExp(`^${row.replace(/[()+]/g, '\\$&')}\\s+[\\d.-]+ / [\\d.]+`, 'm'))
    }
    expect(output).toMatch(/bundle, minified gzip: stock [\d.]+ KiB, ours [\d.]+ KiB/)
    expect(output).toMatch(/^worker\s+first response ms\s+ratio/m)
    expect(output).toMatch(/^stock\s+[\d.]+\s+1\.00\s/m)
    expect(output).toMatch(/^ours\s+[\d.]+\s+[\d.]+\s/m)
  }, 600_000)

  it('prints the password check cost on each target with --iterations 1', async () => {
    const output = await script('scripts/hash-cost.ts', ['--iterations', '1'])
    for (const target of ['workerd', 'Vercel Edge VM', 'Node'])
      expect(output).toMatch(new RegExp(`^${target}.* ms$`, 'm'))
  }, 300_000)
})
