/**
 * The real `@neondatabase/serverless` driver through local-neon, on every backend.
 */
import { NeonDbError, neon, neonConfig } from '@neondatabase/serverless'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalNeon } from './index.ts'
import { startLocalNeon } from './index.ts'
import { backendCases, uniqueName } from './testing.ts'

// A non-UTC, non-DST process zone: the driver sends Dates as local time with an
// offset, so an exact round trip proves offsets are honoured, not assumed zero.
process.env.TZ = 'Asia/Kolkata'

describe.each(backendCases())('driver on $name', ({ backend, skip }) => {
  let localNeon: LocalNeon
  const sql = neon('postgresql://driver:secret@localhost/neondb')
  const table = uniqueName('ln_types')
  const users = uniqueName('ln_users')

  beforeAll(async () => {
    if (skip) return
    localNeon = await startLocalNeon({ backend })
    neonConfig.fetchEndpoint = localNeon.url
    await sql.query(`CREATE TABLE ${table} (
      id integer PRIMARY KEY,
      t text, v varchar(40), b boolean, i integer, big bigint, ts timestamptz,
      j jsonb, u uuid, bin bytea, num numeric(12, 4), f float8, d date, tags text[], ints integer[]
    )`)
    await sql.query(
      `CREATE TABLE ${users} (id serial PRIMARY KEY, email text NOT NULL CONSTRAINT ${users}_email_key UNIQUE)`,
    )
  })

  afterAll(async () => {
    if (skip) return
    await sql.query(`DROP TABLE IF EXISTS ${table}, ${users}`)
    await localNeon.close()
  })

  async function userCount(): Promise<number> {
    const rows = await sql.query(`SELECT count(*)::int AS n FROM ${users}`)
    return rows[0]?.n as number
  }

  it.skipIf(skip)('round-trips every column type through parameters', async () => {
    const when = new Date('2024-02-29T23:59:58.123Z')
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    const json = { nested: { list: [1, 'two', null, true] }, unicode: 'żółw 🐢', quote: 'a"b\\c' }
    const uuid = '0e6f6a0c-3c5d-4f0e-9a7b-2d8c1b9e4f11'
    await sql`INSERT INTO ${sql.unsafe(table)} (id, t, v, b, i, big, ts, j, u, bin, num, f, d, tags, ints)
      VALUES (1, ${"it's 'quoted' \\ and ünïcode"}, ${'varchar value'}, ${true}, ${-2147483648},
        ${'9007199254740993'}, ${when}, ${JSON.stringify(json)}, ${uuid}, ${bytes},
        ${'12345678.9012'}, ${0.1 + 0.2}, ${'2024-02-29'}, ${['a', 'b,c', 'd"e', null]}, ${[1, 2, 3]})`

    const [row] = await sql`SELECT * FROM ${sql.unsafe(table)} WHERE id = 1`
    expect(row).toEqual({
      id: 1,
      t: "it's 'quoted' \\ and ünïcode",
      v: 'varchar value',
      b: true,
      i: -2147483648,
      big: '9007199254740993',
      ts: when,
      j: json,
      u: uuid,
      bin: bytes,
      num: '12345678.9012',
      f: 0.30000000000000004,
      d: new Date(2024, 1, 29),
      tags: ['a', 'b,c', 'd"e', null],
      ints: [1, 2, 3],
    })
    expect((row!.ts as Date).getTime()).toBe(when.getTime())
  })

  it.skipIf(skip)('keeps null as null in every column, and false/empty values distinct from null', async () => {
    await sql.query(`INSERT INTO ${table} (id, t, b) VALUES ($1, $2, $3)`, [2, '', false])
    await sql.query(`INSERT INTO ${table} (id) VALUES ($1)`, [3])
    const rows = await sql.query(`SELECT * FROM ${table} WHERE id IN (2, 3) ORDER BY id`)
    expect(rows[0]).toMatchObject({ t: '', b: false, i: null })
    const { id, ...rest } = rows[1] as Record<string, unknown>
    expect(id).toBe(3)
    expect(Object.values(rest).every((value) => value === null)).toBe(true)
    expect(Object.keys(rest)).toHaveLength(14)
  })

  it.skipIf(skip)('runs sessions in UTC with ISO dates', async () => {
    const [row] = await sql`SELECT current_setting('TimeZone') AS tz, current_setting('DateStyle') AS ds,
      '2024-06-01 12:00:00+02'::timestamptz::text AS shifted, ${new Date('2024-06-01T10:00:00.5Z')}::timestamptz::text AS sent`
    expect(row).toEqual({
      tz: 'UTC',
      ds: 'ISO, MDY',
      shifted: '2024-06-01 10:00:00+00',
      sent: '2024-06-01 10:00:00.5+00',
    })
  })

  it.skipIf(skip)('refuses several statements in one query, like Neon (extended protocol)', async () => {
    await expect(sql.query('SELECT 1; SELECT 2')).rejects.toMatchObject({ code: '42601' })
  })

  it.skipIf(skip)('returns full results with command and rowCount', async () => {
    const inserted = await sql.query(
      `INSERT INTO ${users} (email) VALUES ($1), ($2) RETURNING id`,
      ['fr1@x', 'fr2@x'],
      {
        fullResults: true,
      },
    )
    expect(inserted).toMatchObject({ command: 'INSERT', rowCount: 2 })
    const updated = await sql.query(`UPDATE ${users} SET email = email || '.y' WHERE email LIKE 'fr%'`, [], {
      fullResults: true,
    })
    expect(updated).toMatchObject({ command: 'UPDATE', rowCount: 2, rows: [] })
    await sql.query(`DELETE FROM ${users}`)
  })

  it.skipIf(skip)('commits a transaction batch and returns one result per statement', async () => {
    const results = await sql.transaction([
      sql`INSERT INTO ${sql.unsafe(users)} (email) VALUES (${'a@x'}) RETURNING email`,
      sql`INSERT INTO ${sql.unsafe(users)} (email) VALUES (${'b@x'}) RETURNING email`,
      sql`SELECT count(*)::int AS n FROM ${sql.unsafe(users)}`,
    ])
    expect(results).toEqual([[{ email: 'a@x' }], [{ email: 'b@x' }], [{ n: 2 }]])
    expect(await userCount()).toBe(2)
    await sql.query(`DELETE FROM ${users}`)
  })

  it.skipIf(skip)('rolls back the whole batch when its second statement fails', async () => {
    await expect(
      sql.transaction([
        sql`INSERT INTO ${sql.unsafe(users)} (email) VALUES (${'first@x'})`,
        sql`INSERT INTO ${sql.unsafe(users)} (email) VALUES (${null})`,
      ]),
    ).rejects.toMatchObject({ code: '23502', column: 'email' })
    expect(await userCount()).toBe(0)
  })

  it.skipIf(skip)('surfaces a unique violation with code 23505 and the constraint name', async () => {
    await sql.query(`INSERT INTO ${users} (email) VALUES ($1)`, ['dup@x'])
    const error = await sql.query(`INSERT INTO ${users} (email) VALUES ($1)`, ['dup@x']).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NeonDbError)
    expect(error).toMatchObject({
      code: '23505',
      constraint: `${users}_email_key`,
      table: users,
      schema: 'public',
      severity: 'ERROR',
      detail: 'Key (email)=(dup@x) already exists.',
      message: `duplicate key value violates unique constraint "${users}_email_key"`,
    })
    await sql.query(`DELETE FROM ${users}`)
  })

  it.skipIf(skip)('reports the error position of a bad query', async () => {
    await expect(sql.query('SELECT nope_column FROM pg_class')).rejects.toMatchObject({ code: '42703', position: '8' })
  })

  it.skipIf(skip)('refuses writes in a read-only batch', async () => {
    await expect(
      sql.transaction([sql`INSERT INTO ${sql.unsafe(users)} (email) VALUES (${'ro@x'})`], { readOnly: true }),
    ).rejects.toMatchObject({ code: '25006' })
    expect(await userCount()).toBe(0)
  })

  it.skipIf(skip)('applies the isolation level, read-only and deferrable options to the batch', async () => {
    const settings = await sql.transaction(
      [sql`SHOW transaction_isolation`, sql`SHOW transaction_read_only`, sql`SHOW transaction_deferrable`],
      { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
    )
    expect(settings).toEqual([
      [{ transaction_isolation: 'serializable' }],
      [{ transaction_read_only: 'on' }],
      [{ transaction_deferrable: 'on' }],
    ])
    expect(await sql.transaction([sql`SHOW transaction_isolation`])).toEqual([
      [{ transaction_isolation: 'read committed' }],
    ])
  })

  it.skipIf(skip)('does not let a lone BEGIN leave a transaction open across requests', async () => {
    await sql.query('BEGIN')
    await sql.query(`INSERT INTO ${users} (email) VALUES ($1)`, ['autocommit@x'])
    await sql.query('ROLLBACK')
    expect(await userCount()).toBe(1)
    await sql.query(`DELETE FROM ${users}`)
  })

  it.skipIf(skip)('never interleaves a request into another request’s open batch', async () => {
    const batch = sql
      .transaction([
        sql`INSERT INTO ${sql.unsafe(users)} (email) VALUES (${'inflight@x'})`,
        sql`SELECT pg_sleep(0.3)`,
        sql`SELECT 1 / 0`,
      ])
      .catch((error: unknown) => error)
    await new Promise((resolve) => setTimeout(resolve, 100))
    // Issued while the batch sleeps: it must not observe the batch's uncommitted row.
    const seen = await userCount()
    expect(await batch).toMatchObject({ code: '22012' })
    expect(seen).toBe(0)
    expect(await userCount()).toBe(0)
  })
})
