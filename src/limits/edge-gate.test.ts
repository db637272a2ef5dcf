import { describe, expect, it } from 'vitest'
import { isolateGate } from './edge-gate.ts'

// The Rate Limiting binding itself runs in workerd: test/integration/rate-limit.test.ts.
describe('the edge gate in an isolate (Node, Vercel)', () => {
  it('counts per address group in the isolate: the limit, then refusals until the period ends', async () => {
    let clock = 0
    const gate = isolateGate(3, 10, () => clock)
    const first = await Promise.all([1, 2, 3, 4].map(() => gate('v4:192.0.2.1')))
    expect(first).toEqual([true, true, true, false])
    expect(await gate('v4:192.0.2.2')).toBe(true)
    clock += 10_000
    expect(await gate('v4:192.0.2.1')).toBe(true)
  })
})
