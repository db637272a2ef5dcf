/**
 * `npm run load` keeps working: the script itself, in a tiny run (a few dozen requests) against the
 * Worker bundle the global setup built, on PGlite and (with TEST_DATABASE_URL) on a fresh
 * PostgreSQL database through `--database-url`. No timing is asserted: the figures belong in
 * docs/reliability.md, what is checked here is that the run ends by itself, answers without a 5xx
 * and finds every acknowledged user with its account.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import type { LoadReport } from '../../scripts/load.ts'
import { backendNames } from '../support/backends.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
// The request count ends the run; the duration is only a backstop.
const REQUESTS = 24
const TINY = ['--duration', '150', '--requests', String(REQUESTS), '--concurrency', '3']

async function admin(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** A fresh PostgreSQL database for the run's `--database-url`, dropped afterwards. */
async function withPostgresDatabase<T>(use: (url: string) => Promise<T>): Promise<T> {
  const adminUrl = process.env.TEST_DATABASE_URL!
  const name = `edge_auth_load_${randomBytes(4).toString('hex')}`
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  await admin(adminUrl, `create database "${name}"`)
  try {
    return await use(url.toString())
  } finally {
    await admin(adminUrl, `drop database if exists "${name}" with (force)`)
  }
}

async function load(args: string[]): Promise<{ report: LoadReport; stdout: string }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--experimental-strip-types', 'scripts/load.ts', '--no-build', '--json', ...TINY, ...args],
    { cwd: root, timeout: 170_000 },
  )
  const lines = stdout.trim().split('\n')
  return { report: JSON.parse(lines.at(-1)!), stdout }
}

describe.each(backendNames)('npm run load on %s', (backendName) => {
  it('runs a bounded mix of sign-ups, sign-ins and get-sessions, and finds every acknowledged user with its account', async () => {
    const { report, stdout } =
      backendName === 'pglite' ? await load([]) : await withPostgresDatabase((url) => load(['--database-url', url]))

    expect(stdout).toMatch(/requests\/s/)
    expect(stdout).toMatch(/p50 ms +p99 ms/)
    expect(report.requests).toBe(REQUESTS)
    for (const operation of ['sign-up', 'sign-in', 'get-session'] as const) {
      expect(report.operations[operation].requests, operation).toBeGreaterThan(0)
      expect(Object.keys(report.operations[operation].statuses), operation).toEqual(['200'])
    }
    expect(report.serverErrors).toBe(0)
    expect(report.transportErrors).toBe(0)
    expect(report.nullSessions).toBe(0)
    expect(report.users.acknowledged).toBe(report.operations['sign-up'].requests)
    expect(report.users).toMatchObject({ missing: 0, orphans: 0, unacknowledged: 0 })
  }, 180_000)
})
