import { describe, expect, it } from 'vitest'
import type { SessionDiagnosis } from '../session-diagnosis.ts'
import { createNullSessionLogger } from './null-session-report.ts'

const noCookie: SessionDiagnosis = {
  status: 'no_credentials',
  credential: null,
  causes: [{ code: 'no_session_cookie', message: '', fix: '' }],
}
const badSignature: SessionDiagnosis = {
  status: 'bad_signature',
  credential: 'cookie',
  causes: [{ code: 'unknown_secret', message: '', fix: '' }],
}

describe('createNullSessionLogger', () => {
  it('logs each reason once per interval and counts what it held back', () => {
    const lines: Record<string, unknown>[] = []
    const { log } = createNullSessionLogger(60_000, (line) => void lines.push(line))
    expect(log(noCookie, 0)).toBe(true)
    expect(log(noCookie, 1_000)).toBe(false)
    expect(log(noCookie, 2_000)).toBe(false)
    expect(log(badSignature, 3_000)).toBe(true)
    expect(log(noCookie, 61_000)).toBe(true)
    expect(lines).toEqual([
      {
        status: 'no_credentials',
        cause: 'no_session_cookie',
        credential: null,
        suppressedSinceLast: 0,
        undiagnosedSinceLast: 0,
      },
      {
        status: 'bad_signature',
        cause: 'unknown_secret',
        credential: 'cookie',
        suppressedSinceLast: 0,
        undiagnosedSinceLast: 0,
      },
      {
        status: 'no_credentials',
        cause: 'no_session_cookie',
        credential: null,
        suppressedSinceLast: 2,
        undiagnosedSinceLast: 0,
      },
    ])
  })

  it('admits a bounded number of diagnoses per interval, and says how many it skipped', () => {
    const lines: Record<string, unknown>[] = []
    const report = createNullSessionLogger(60_000, (line) => void lines.push(line), 2)
    expect([report.admit(0), report.admit(1), report.admit(2), report.admit(3)]).toEqual([true, true, false, false])
    expect(report.admit(60_000)).toBe(true)
    report.log(badSignature, 60_000)
    expect(lines).toEqual([expect.objectContaining({ cause: 'unknown_secret', undiagnosedSinceLast: 2 })])
  })
})
