/**
 * A burst on workerd with a slow database that still answers every query in time (1 s against the
 * 2.5 s deadline): no 503, as the isolate hashes the other requests' passwords meanwhile
 * (database/deadline.ts). The script `npm run burst` (scripts/burst.ts) runs 200 sign-ups and 100
 * sign-ins; this is its small smoke size. Outcomes only, no timing.
 */
import { describe, expect, it } from 'vitest'
import { runBurst } from '../../scripts/burst.ts'

describe('a burst with a slow database on workerd', () => {
  it('answers every sign-up and sign-in, none with a false 503', async () => {
    const report = await runBurst({ signUps: 20, signIns: 10, latencyMs: 1000 })
    expect(report.signUps.statuses).toEqual({ 200: 20 })
    expect(report.signIns.statuses).toEqual({ 200: 10 })
    expect(report.signUps.createdBehind5xx).toBe(0)
  }, 120_000)
})
