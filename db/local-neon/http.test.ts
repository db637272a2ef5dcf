/**
 * The HTTP surface of local-neon with raw fetch: Neon's response shape,
 * parameter conversion, malformed requests, and the /_stats counters.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { neon, neonConfig } from '@neondatabase/serverless'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Backend } from './backend.ts'
import { createFaults } from './faults.ts'
import type { LocalNeon } from './index.ts'
import { startLocalNeon, statsKey } from './index.ts'
import { createRequestListener } from './server.ts'
import { createStats } from './stats.ts'
import { backendCases, neonHeaders, postJson, uniqueName } from './testing.ts'

describe.each(backendCases())('http on $name', ({ backend, skip }) => {
  let localNeon: LocalNeon
  let statsUrl: string
  const table = uniqueName('ln_http')

  beforeAll(async () => {
    if (skip) return
    localNeon = await startLocalNeon({ backend })
    statsUrl = localNeon.url.replace(/\/sql$/, '/_stats')
    const created = await postJson(localNeon.url, {
      query: `CREATE TABLE ${table} (id integer PRIMARY KEY, name varchar(20) NOT NULL)`,
      params: [],
    })
    expect(created.status).toBe(200)
  })

  afterAll(async () => {
    if (skip) return
    await postJson(localNeon.url, { query: `DROP TABLE IF EXISTS ${table}`, params: [] })
    await localNeon.close()
  })

  beforeEach(() => {
    if (!skip) localNeon.resetStats()
  })

  it.skipIf(skip)('answers in Neon’s shape: command, rowCount, text rows, full field metadata', async () => {
    const create = await postJson(localNeon.url, { query: `CREATE TEMP TABLE IF NOT EXISTS noop (x int)`, params: [] })
    expect(create.json).toEqual({ rowAsArray: true, fields: [], rows: [], command: 'CREATE', rowCount: null })

    const insert = await postJson(localNeon.url, {
      query: `INSERT INTO ${table} (id, name) VALUES ($1, $2), ($3, $4)`,
      params: ['1', 'one', '2', 'two'],
    })
    expect(insert.json).toMatchObject({ command: 'INSERT', rowCount: 2, rows: [], fields: [] })

    const select = await postJson(localNeon.url, {
      query: `SELECT id, name, id::bigint * 10 AS big, NULL::text AS nothing FROM ${table} ORDER BY id`,
      params: [],
    })
    expect(select.status).toBe(200)
    expect(select.json).toMatchObject({
      rowAsArray: true,
      command: 'SELECT',
      rowCount: 2,
      rows: [
        ['1', 'one', '10', null],
        ['2', 'two', '20', null],
      ],
    })
    const [id, name, big, nothing] = select.json.fields
    expect(id).toMatchObject({
      name: 'id',
      dataTypeID: 23,
      dataTypeSize: 4,
      dataTypeModifier: -1,
      columnID: 1,
      format: 'text',
    })
    expect(id.tableID).toBeGreaterThan(0)
    expect(name).toMatchObject({ name: 'name', dataTypeID: 1043, dataTypeSize: -1, dataTypeModifier: 24, columnID: 2 })
    expect(name.tableID).toBe(id.tableID)
    expect(big).toMatchObject({ name: 'big', dataTypeID: 20, dataTypeSize: 8, tableID: 0, columnID: 0 })
    expect(nothing).toMatchObject({ name: 'nothing', dataTypeID: 25, tableID: 0 })
    await postJson(localNeon.url, { query: `DELETE FROM ${table}`, params: [] })
  })

  it.skipIf(skip)('returns objects when array mode is off, per request or per query', async () => {
    const headers = { ...neonHeaders(), 'Neon-Array-Mode': 'false' }
    const single = await postJson(localNeon.url, { query: `SELECT 1 AS a, 'x' AS b`, params: [] }, headers)
    expect(single.json).toMatchObject({ rowAsArray: false, rows: [{ a: '1', b: 'x' }] })

    const batch = await postJson(localNeon.url, {
      queries: [
        { query: 'SELECT 1 AS a', params: [] },
        { query: 'SELECT 2 AS a', params: [], arrayMode: false },
      ],
    })
    expect(batch.json.results.map((r: { rows: unknown }) => r.rows)).toEqual([[['1']], [{ a: '2' }]])
  })

  it.skipIf(skip)('converts non-string JSON parameters to Postgres text like Neon', async () => {
    const { json } = await postJson(localNeon.url, {
      query: 'SELECT $1::int, $2::boolean, $3::jsonb, $4::text[], $5::text',
      params: [42, true, { a: [1, 'b'] }, ['x', 'y "z"', null, { k: 1 }], null],
    })
    expect(json.rows).toEqual([['42', 't', '{"a": [1, "b"]}', '{x,"y \\"z\\"",NULL,"{\\"k\\":1}"}', null]])
  })

  it.skipIf(skip)('answers Postgres errors with 400 and every error field, null when absent', async () => {
    const { status, json } = await postJson(localNeon.url, { query: 'SELECT 1/0', params: [] })
    expect(status).toBe(400)
    expect(json).toMatchObject({
      message: 'division by zero',
      code: '22012',
      severity: 'ERROR',
      detail: null,
      constraint: null,
    })
    for (const key of ['hint', 'position', 'internalPosition', 'internalQuery', 'where', 'schema', 'table', 'column']) {
      expect(json).toHaveProperty(key)
    }
  })

  it.skipIf(skip)('echoes batch transaction options as response headers', async () => {
    const headers = { ...neonHeaders(), 'Neon-Batch-Isolation-Level': 'RepeatableRead', 'Neon-Batch-Read-Only': 'true' }
    const {
      status,
      json,
      headers: answer,
    } = await postJson(localNeon.url, { queries: [{ query: 'SHOW transaction_isolation', params: [] }] }, headers)
    expect(status).toBe(200)
    expect(json.results[0].rows).toEqual([['repeatable read']])
    expect(answer.get('neon-batch-isolation-level')).toBe('RepeatableRead')
    expect(answer.get('neon-batch-read-only')).toBe('true')
  })

  it.skipIf(skip)('refuses malformed requests with a 4xx JSON message and keeps serving', async () => {
    const cases: [string, Promise<Response>, number][] = [
      ['GET /sql', fetch(localNeon.url), 405],
      ['no connection string', fetch(localNeon.url, { method: 'POST', body: '{"query":"SELECT 1"}' }), 400],
      [
        'bad connection string',
        send({ ...neonHeaders(), 'Neon-Connection-String': 'not a url' }, '{"query":"SELECT 1"}'),
        400,
      ],
      [
        'mysql connection string',
        send({ ...neonHeaders(), 'Neon-Connection-String': 'mysql://a@b/c' }, '{"query":"x"}'),
        400,
      ],
      ['raw text off', send({ ...neonHeaders(), 'Neon-Raw-Text-Output': 'false' }, '{"query":"SELECT 1"}'), 400],
      ['invalid JSON', send(neonHeaders(), '{"query": "SELECT 1"'), 400],
      ['JSON array body', send(neonHeaders(), '[1,2]'), 400],
      ['no query', send(neonHeaders(), '{"sql":"SELECT 1"}'), 400],
      ['query not a string', send(neonHeaders(), '{"query":42}'), 400],
      ['params not an array', send(neonHeaders(), '{"query":"SELECT 1","params":"x"}'), 400],
      ['queries not an array', send(neonHeaders(), '{"queries":{"query":"SELECT 1"}}'), 400],
      ['bad batch item', send(neonHeaders(), '{"queries":[{"query":"SELECT 1"},"SELECT 2"]}'), 400],
      [
        'bad isolation level',
        send({ ...neonHeaders(), 'Neon-Batch-Isolation-Level': 'Chaos' }, '{"queries":[{"query":"SELECT 1"}]}'),
        400,
      ],
      ['unknown path', fetch(localNeon.url.replace(/\/sql$/, '/nope'), { method: 'POST' }), 404],
      ['GET /_stats/reset', fetch(`${statsUrl}/reset`), 405],
      ['POST /_stats', fetch(statsUrl, { method: 'POST' }), 405],
    ]
    for (const [label, pending, expected] of cases) {
      const response = await pending
      const body = (await response.json()) as { message?: unknown }
      expect({ label, status: response.status }).toEqual({ label, status: expected })
      expect(typeof body.message).toBe('string')
    }
    expect(localNeon.stats().total).toEqual({ queries: 0, batches: 0, batchedQueries: 0, errors: 0 })
    const ok = await postJson(localNeon.url, { query: 'SELECT 1', params: [] })
    expect(ok.status).toBe(200)
  })

  it.skipIf(skip)('counts queries and batches per connection string, without passwords', async () => {
    const alice = 'postgresql://alice:alice-secret@localhost/app'
    const bob = 'postgresql://bob:bob-secret@localhost/other'
    neonConfig.fetchEndpoint = localNeon.url
    const asAlice = neon(alice)
    const asBob = neon(bob)

    await asAlice`SELECT 1`
    await asAlice`SELECT 2`
    await asAlice.transaction([asAlice`SELECT 1`, asAlice`SELECT 2`, asAlice`SELECT 3`])
    await asAlice`SELECT 1/0`.catch(() => undefined)
    await asBob.transaction([asBob`SELECT 1`])

    const response = await fetch(statsUrl)
    const text = await response.text()
    expect(response.status).toBe(200)
    expect(text).not.toContain('secret')
    const stats = JSON.parse(text)
    expect(stats).toEqual(localNeon.stats())
    expect(stats.byConnection).toEqual({
      [statsKey(alice)]: { queries: 3, batches: 1, batchedQueries: 3, errors: 1 },
      [statsKey(bob)]: { queries: 0, batches: 1, batchedQueries: 1, errors: 0 },
    })
    expect(statsKey(alice)).toBe('postgresql://alice@localhost/app')
    expect(stats.total).toEqual({ queries: 3, batches: 2, batchedQueries: 4, errors: 1 })

    const reset = await fetch(`${statsUrl}/reset`, { method: 'POST' })
    expect(reset.status).toBe(200)
    expect(await reset.json()).toEqual({
      total: { queries: 0, batches: 0, batchedQueries: 0, errors: 0 },
      byConnection: {},
    })
    expect(localNeon.stats().byConnection).toEqual({})
  })

  function send(headers: Record<string, string>, body: string): Promise<Response> {
    return fetch(localNeon.url, { method: 'POST', headers, body })
  }
})

describe.skipIf(!process.env.TEST_DATABASE_URL)('postgres backend session settings', () => {
  it('forces UTC even when the connection asks for another time zone', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL ?? '')
    url.searchParams.set('options', '-c TimeZone=America/New_York -c DateStyle=German')
    const localNeon = await startLocalNeon({ backend: { kind: 'postgres', url: url.toString() } })
    try {
      const { json } = await postJson(localNeon.url, {
        query: `SELECT current_setting('TimeZone'), current_setting('DateStyle'), '2024-01-01 00:00:00+05'::timestamptz::text`,
        params: [],
      })
      expect(json.rows).toEqual([['UTC', 'ISO, MDY', '2023-12-31 19:00:00+00']])
    } finally {
      await localNeon.close()
    }
  })
})

describe('server error handling', () => {
  it('answers a backend failure with a 500 JSON message, counts it, and keeps serving', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    let failNext = true
    const backend: Backend = {
      kind: 'pglite',
      async withSession(work) {
        if (failNext) {
          failNext = false
          throw new Error('backend unreachable')
        }
        return work({
          run: async () => ({ command: 'SELECT', rowCount: 0, fields: [], rows: [] }),
          transactionStatus: () => 'I',
        })
      },
      async close() {},
    }
    const stats = createStats()
    const server = createServer(createRequestListener({ backend, stats, faults: createFaults() }))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sql`
    try {
      const failed = await postJson(url, { query: 'SELECT 1', params: [] })
      expect(failed).toMatchObject({ status: 500, json: { message: 'local-neon: backend unreachable' } })
      expect(errors).toHaveBeenCalledWith('local-neon: backend unreachable')
      const ok = await postJson(url, { query: 'SELECT 1', params: [] })
      expect(ok).toMatchObject({ status: 200, json: { command: 'SELECT', rows: [] } })
      expect(stats.snapshot().total).toEqual({ queries: 2, batches: 0, batchedQueries: 0, errors: 1 })
    } finally {
      errors.mockRestore()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
