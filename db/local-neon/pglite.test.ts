/**
 * PGlite-specific behaviour: persistence in a data directory and
 * serialisation of concurrent requests.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { neon, neonConfig } from '@neondatabase/serverless'
import { afterAll, describe, expect, it } from 'vitest'
import { startLocalNeon } from './index.ts'
import { createPgliteBackend } from './pglite.ts'

const sql = neon('postgresql://pglite:pw@localhost/neondb')
const dataDirs: string[] = []

function freshDataDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'local-neon-pglite-')), 'nested', 'pgdata')
  dataDirs.push(dir)
  return dir
}

afterAll(() => {
  for (const dir of dataDirs) rmSync(join(dir, '..', '..'), { recursive: true, force: true })
})

describe('PGlite backend', () => {
  it('persists data across close and reopen of the same data directory', async () => {
    const dataDir = freshDataDir()
    const first = await startLocalNeon({ backend: { kind: 'pglite', dataDir } })
    neonConfig.fetchEndpoint = first.url
    await sql`CREATE TABLE kept (id int PRIMARY KEY, note text)`
    await sql.transaction([
      sql`INSERT INTO kept VALUES (1, ${'committed in a batch'})`,
      sql`INSERT INTO kept VALUES (2, ${'too'})`,
    ])
    await sql`INSERT INTO kept VALUES (3, ${'single'})`
    await sql.transaction([sql`INSERT INTO kept VALUES (4, 'rolled back')`, sql`SELECT 1/0`]).catch(() => undefined)
    await first.close()

    const second = await startLocalNeon({ backend: { kind: 'pglite', dataDir } })
    try {
      neonConfig.fetchEndpoint = second.url
      expect(await sql`SELECT id, note FROM kept ORDER BY id`).toEqual([
        { id: 1, note: 'committed in a batch' },
        { id: 2, note: 'too' },
        { id: 3, note: 'single' },
      ])
    } finally {
      await second.close()
    }
  })

  it('starts empty in memory when no data directory is given', async () => {
    const first = await startLocalNeon()
    neonConfig.fetchEndpoint = first.url
    await sql`CREATE TABLE ephemeral (id int)`
    await first.close()

    const second = await startLocalNeon({ backend: { kind: 'pglite' } })
    try {
      neonConfig.fetchEndpoint = second.url
      expect(await sql`SELECT to_regclass('ephemeral') AS t`).toEqual([{ t: null }])
    } finally {
      await second.close()
    }
  })

  it('lends its single session to one request at a time', async () => {
    const backend = await createPgliteBackend()
    try {
      const order: string[] = []
      const slow = backend.withSession(async (session) => {
        order.push('slow:start')
        await session.run({ query: 'BEGIN', params: [] })
        await session.run({ query: 'SELECT pg_sleep(0.15)', params: [] })
        await session.run({ query: 'COMMIT', params: [] })
        order.push('slow:end')
      })
      const fast = backend.withSession(async (session) => {
        order.push('fast:start')
        const result = await session.run({ query: 'SELECT $1::text AS v', params: ['ok'] })
        order.push('fast:end')
        return result
      })
      const [, fastResult] = await Promise.all([slow, fast])
      expect(order).toEqual(['slow:start', 'slow:end', 'fast:start', 'fast:end'])
      expect(fastResult).toMatchObject({ command: 'SELECT', rowCount: 1, rows: [['ok']] })
    } finally {
      await backend.close()
    }
  })

  it('keeps serving after a failed session and rolls back what it left open', async () => {
    const backend = await createPgliteBackend()
    try {
      await backend.withSession(async (session) => {
        await session.run({ query: 'CREATE TABLE t (id int)', params: [] })
      })
      const failed = backend.withSession(async (session) => {
        await session.run({ query: 'BEGIN', params: [] })
        await session.run({ query: 'INSERT INTO t VALUES (1)', params: [] })
        throw new Error('caller gave up')
      })
      await expect(failed).rejects.toThrow('caller gave up')
      const after = await backend.withSession(async (session) => {
        const count = await session.run({ query: 'SELECT count(*) FROM t', params: [] })
        return { count: count.rows, status: session.transactionStatus() }
      })
      expect(after).toEqual({ count: [['0']], status: 'I' })
    } finally {
      await backend.close()
    }
    await expect(backend.withSession(async () => 1)).rejects.toThrow(/closed/)
  })
})
