/**
 * Logs each null get-session with its reason, at most once per reason per interval per
 * isolate (with a count of the ones held back), so a flood of anonymous visitors stays quiet.
 */
import type { SessionDiagnosis } from './session.ts'

export const NULL_SESSION_LOG_INTERVAL_MS = 60_000

/**
 * @example
 * const logNullSession = createNullSessionLogger()
 * logNullSession(diagnosis)
 */
export function createNullSessionLogger(
  intervalMs = NULL_SESSION_LOG_INTERVAL_MS,
  log: (line: string) => void = console.warn,
) {
  const lastLogged = new Map<string, { at: number; suppressed: number }>()

  return function logNullSession(diagnosis: SessionDiagnosis, now = Date.now()): boolean {
    const reason = `${diagnosis.status}:${diagnosis.causes[0]?.code ?? ''}`
    const previous = lastLogged.get(reason)
    if (previous && now - previous.at < intervalMs) {
      previous.suppressed += 1
      return false
    }
    lastLogged.set(reason, { at: now, suppressed: 0 })
    log(
      JSON.stringify({
        event: 'session_null',
        status: diagnosis.status,
        cause: diagnosis.causes[0]?.code ?? null,
        credential: diagnosis.credential,
        suppressedSinceLast: previous?.suppressed ?? 0,
      }),
    )
    return true
  }
}
