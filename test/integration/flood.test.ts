/**
 * `npm run load -- --flood` at its smoke size: wrong sign-ins from a few addresses against the
 * Worker as deployed. Most are refused before the database (the edge's per-address limit, then the
 * isolate's memory of the database's refusals), and a user from another address still signs in.
 * Outcomes only, no timing; the figures at full size are in docs/benchmarks.md.
 */
import { describe, expect, it } from 'vitest'
import { runFlood } from '../../scripts/flood.ts'

describe('a sign-in flood on workerd', () => {
  it('costs the database a fraction of its requests, and a legitimate user still signs in', async () => {
    const report = await runFlood({ attempts: 300, addresses: 10, concurrency: 8 })
    expect(report.refusedAtEdge).toBeGreaterThan(0)
    expect(report.statements).toBeLessThan(report.options.attempts / 2)
    expect(report.statuses[500] ?? 0).toBe(0)
    expect(report.legitimateSignIn).toBe(200)
  }, 120_000)
})
