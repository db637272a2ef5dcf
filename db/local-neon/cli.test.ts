/**
 * `node db/local-neon/cli.ts` as a real child process.
 */

import type { ChildProcessByStdio } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { neon, neonConfig } from '@neondatabase/serverless'
import { describe, expect, it } from 'vitest'
import { parseCliArgs } from './cli.ts'

const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url))

type Cli = { child: ChildProcessByStdio<null, Readable, Readable>; stdout: () => string; stderr: () => string }

function runCli(args: string[]): Cli {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  return { child, stdout: () => out, stderr: () => err }
}

async function waitForUrl(cli: Cli): Promise<string> {
  // PGlite's first start can take a while on a loaded two-core machine.
  const deadline = Date.now() + 50_000
  while (Date.now() < deadline) {
    const match = /^local-neon listening on (http:\/\/127\.0\.0\.1:\d+\/sql)\n/.exec(cli.stdout())
    if (match?.[1]) return match[1]
    if (cli.child.exitCode !== null) throw new Error(`cli exited early: ${cli.stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`cli did not start: ${cli.stderr()}`)
}

function exitOf(cli: Cli): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (cli.child.exitCode !== null) return Promise.resolve({ code: cli.child.exitCode, signal: null })
  return new Promise((resolve) => cli.child.once('exit', (code, signal) => resolve({ code, signal })))
}

describe('cli', () => {
  it('serves PGlite from --data-dir, prints one line, stops cleanly on SIGTERM', { timeout: 60_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'local-neon-cli-'))
    const cli = runCli(['--port', '0', '--data-dir', join(root, 'pglite')])
    try {
      const url = await waitForUrl(cli)
      neonConfig.fetchEndpoint = url
      const sql = neon('postgresql://cli:pw@localhost/neondb')
      expect(await sql`SELECT ${'hello'}::text AS greeting`).toEqual([{ greeting: 'hello' }])

      cli.child.kill('SIGTERM')
      expect(await exitOf(cli)).toEqual({ code: 0, signal: null })
      expect(cli.stdout()).toBe(`local-neon listening on ${url}\n`)
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL')
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('stops cleanly on SIGINT too', { timeout: 60_000 }, async () => {
    const cli = runCli(['--port', '0'])
    try {
      await waitForUrl(cli)
      cli.child.kill('SIGINT')
      expect(await exitOf(cli)).toEqual({ code: 0, signal: null })
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL')
    }
  })

  it('rejects bad arguments with exit code 2 and nothing on stdout', async () => {
    const cli = runCli(['--port', 'eighty'])
    expect(await exitOf(cli)).toEqual({ code: 2, signal: null })
    expect(cli.stdout()).toBe('')
    expect(cli.stderr()).toContain('invalid --port')
  })

  it('parses its flags', () => {
    expect(parseCliArgs([])).toEqual({ port: 4444, backend: { kind: 'pglite', dataDir: undefined } })
    expect(parseCliArgs(['--port', '0', '--data-dir', 'd'])).toEqual({
      port: 0,
      backend: { kind: 'pglite', dataDir: 'd' },
    })
    expect(parseCliArgs(['--database-url', 'postgres://a@b/c'])).toEqual({
      port: 4444,
      backend: { kind: 'postgres', url: 'postgres://a@b/c' },
    })
    expect(parseCliArgs(['--help'])).toBe('help')
    expect(() => parseCliArgs(['--data-dir', 'd', '--database-url', 'postgres://a@b/c'])).toThrow(/mutually exclusive/)
    expect(() => parseCliArgs(['--port', '70000'])).toThrow(/invalid --port/)
    expect(() => parseCliArgs(['--bogus'])).toThrow()
  })

  it.skipIf(!process.env.TEST_DATABASE_URL)('serves --database-url without ever printing its password', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL ?? '')
    url.password = 'never-print-me'
    const cli = runCli(['--port', '0', '--database-url', url.toString()])
    try {
      neonConfig.fetchEndpoint = await waitForUrl(cli)
      const sql = neon('postgresql://cli:other-secret@localhost/neondb')
      expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }])
      await sql`SELECT broken syntax here`.catch(() => undefined)
      cli.child.kill('SIGTERM')
      expect(await exitOf(cli)).toEqual({ code: 0, signal: null })
      expect(cli.stdout() + cli.stderr()).not.toMatch(/never-print-me|other-secret/)
      expect(cli.stderr()).toContain('PostgreSQL at')
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL')
    }
  })
})
