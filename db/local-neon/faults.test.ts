/**
 * Injected faults through the real driver: each one is what the service meets on a bad day.
 */
import { NeonDbError, neon, neonConfig } from '@neondatabase/serverless'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LocalNeon } from './index.ts'
import { startLocalNeon } from './index.ts'
import { backendCases, uniqueName } from './testing.ts'

describe.each(backendCases())('faults on $name', ({ backend, skip }) => {
  let localNeon: LocalNeon
  const sql = neon('postgresql://faults:secret@localhost/neondb')
  const table = uniqueName('ln_faults')

  beforeAll(async () => {
    if (skip) return
    localNeon = await startLocalNeon({ backend })
    neonConfig.fetchEndpoint = localNeon.url
    await sql.query(`CREATE TABLE ${table} (id integer PRIMARY KEY)`)
  })
  afterEach(() => localNeon?.faults.clear())
  afterAll(async () => {
    if (skip) return
    await sql.query(`DROP TABLE IF EXISTS ${table}`)
    await localNeon.close()
  })

  it.skipIf(skip)('fails a matched statement of a batch inside Postgres, so the whole batch rolls back', async () => {
    localNeon.faults.inject({
      match: `insert into ${table} values (2)`,
      action: { kind: 'error', code: '08006' },
      times: 1,
    })
    const failed = sql.transaction([
      sql.query(`INSERT INTO ${table} VALUES (1)`),
      sql.query(`INSERT INTO ${table} VALUES (2)`),
    ])
    await expect(failed).rejects.toSatisfy((error) => error instanceof NeonDbError && error.code === '08006')
    expect(await sql.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }])
    // `times: 1` lapsed: the same batch now commits.
    await sql.transaction([sql.query(`INSERT INTO ${table} VALUES (1)`), sql.query(`INSERT INTO ${table} VALUES (2)`)])
    expect(await sql.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 2 }])
  })

  it.skipIf(skip)('holds a hung request until the rule is removed, then answers it', async () => {
    const undo = localNeon.faults.inject({ action: { kind: 'hang' } })
    let settled = false
    const query = sql.query('SELECT 1 AS one').finally(() => {
      settled = true
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(settled).toBe(false)
    undo()
    expect(await query).toEqual([{ one: 1 }])
  })

  it.skipIf(skip)('drops the connection, or answers a proxy error status', async () => {
    localNeon.faults.inject({ action: { kind: 'drop' }, times: 1 })
    await expect(sql.query('SELECT 1')).rejects.toThrow()
    localNeon.faults.inject({ action: { kind: 'http', status: 503 }, times: 1 })
    await expect(sql.query('SELECT 1')).rejects.toThrow(/503|injected/)
    expect(await sql.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
  })

  it.skipIf(skip)('adds latency to every answer', async () => {
    localNeon.faults.setLatency(150)
    const started = performance.now()
    await sql.query('SELECT 1')
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    localNeon.faults.setLatency(0)
  })
})
