import { neon, neonConfig } from '@neondatabase/serverless'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LocalNeon } from '../../db/local-neon/index.ts'
import { backendNamed, WORKER_DATABASE_URL } from '../../test/support/backends.ts'
import { deadlineFetch, deadlineFetchOptions, withDatabaseBudget } from './deadline.ts'
import { isDatabaseUnavailable, isWriteOutcomeUnknown } from './unavailable.ts'

/** Keeps the thread busy, as a synchronous password hash of another request does. */
function busy(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin
  }
}

describe('database deadlines', () => {
  const backend = backendNamed('pglite')
  let endpoint: LocalNeon
  const client = (deadlineMs: number) => neon(WORKER_DATABASE_URL, { fetchOptions: deadlineFetchOptions(deadlineMs) })

  beforeAll(async () => {
    endpoint = await backend.start()
    neonConfig.fetchEndpoint = endpoint.url
    neonConfig.fetchFunction = deadlineFetch
  })
  afterEach(() => {
    endpoint.faults.clear()
    endpoint.faults.setLatency(0)
  })
  afterAll(async () => {
    await endpoint.close()
    await backend.cleanup()
  })

  it('takes an answer that came in time while the isolate was busy with other work past the deadline', async () => {
    endpoint.faults.setLatency(50)
    const answer = client(300).query('select 1 as one')
    // The query is on its way; then the thread is busy well past the deadline.
    await new Promise((resolve) => setTimeout(resolve, 20))
    busy(700)
    expect(await answer).toEqual([{ one: 1 }])
  })

  it('gives the trips of one request one budget: twice the deadline of one', async () => {
    endpoint.faults.setLatency(150)
    const sql = client(250)
    let answered = 0
    const failure = await withDatabaseBudget(250, async () => {
      for (let trip = 0; trip < 6; trip++) {
        await sql.query('select 1')
        answered += 1
      }
    }).catch((error: unknown) => error)
    expect(isDatabaseUnavailable(failure)).toBe(true)
    expect(answered).toBeGreaterThanOrEqual(1)
    expect(answered).toBeLessThan(4)
  })

  it('fails a write left without an answer as "outcome unknown", and a read as unavailable', async () => {
    endpoint.faults.inject({ action: { kind: 'hang' } })
    const sql = client(200)
    const write = await sql.query('insert into rate_limit (key, count) values ($1, 1)', ['k']).catch((e: unknown) => e)
    const read = await sql.query('select 1').catch((e: unknown) => e)
    expect(isWriteOutcomeUnknown(write)).toBe(true)
    expect([isWriteOutcomeUnknown(read), isDatabaseUnavailable(read)]).toEqual([false, true])
  })
})
