/**
 * `npm run fuzz`: the full fuzz of test/in-process/fuzz.test.ts, which `npm test` runs on a fixed
 * seed with few cases. 1,200 cases from a fresh seed on every backend (PostgreSQL too with
 * TEST_DATABASE_URL), or FUZZ_RUNS of them; FUZZ_SEED and FUZZ_PATH replay a failure.
 *
 *   npm run fuzz
 *   FUZZ_RUNS=5000 npm run fuzz
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const vitest = `${root}/node_modules/vitest/vitest.mjs`
const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS || '1200' }
const args = ['run', '--project', 'unit', 'test/in-process/fuzz.test.ts', ...process.argv.slice(2)]
const { status } = spawnSync(process.execPath, [vitest, ...args], { cwd: root, env, stdio: 'inherit' })
process.exit(status ?? 1)
