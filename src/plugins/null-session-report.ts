/**
 * Every null get-session, diagnosed and logged with its reason, after the response is sent: a
 * BetterAuth after-hook on `/get-session` hands the diagnosis to `runInBackground` (the platform's
 * `waitUntil`, see context.ts). The log is rate-limited per reason and isolate, with a count of
 * what was held back, so a flood of anonymous visitors stays quiet.
 */
import type { BetterAuthPlugin } from 'better-auth'
import { createAuthMiddleware } from 'better-auth/api'
import { credentialsOf, type RequestCredentials } from '../credentials/request-credential.ts'
import { logEvent } from '../logging.ts'
import type { SessionDiagnosis } from '../session-diagnosis.ts'

export const NULL_SESSION_LOG_INTERVAL_MS = 60_000
/**
 * At most this many diagnoses per interval and isolate. A diagnosis may read the database, and the
 * log is rate-limited anyway: without a cap, a flood of forged cookies would be a flood of queries.
 */
export const NULL_SESSION_DIAGNOSES_PER_INTERVAL = 20

type Log = (fields: Record<string, unknown>) => void
const warn: Log = (fields) => logEvent('warn', 'session_null', fields)

/**
 * A logger that writes each reason at most once per interval, and admits at most
 * `diagnosesPerInterval` diagnoses per interval in the first place.
 *
 * @example
 * const report = createNullSessionLogger()
 * if (report.admit()) report.log(await diagnose(headers)) // true when written
 */
export function createNullSessionLogger(
  intervalMs = NULL_SESSION_LOG_INTERVAL_MS,
  log: Log = warn,
  diagnosesPerInterval = NULL_SESSION_DIAGNOSES_PER_INTERVAL,
) {
  const lastLogged = new Map<string, { at: number; suppressed: number }>()
  let windowStart = Number.NEGATIVE_INFINITY
  let admitted = 0
  let undiagnosed = 0

  function admit(now = Date.now()): boolean {
    if (now - windowStart >= intervalMs) {
      windowStart = now
      admitted = 0
    }
    if (admitted >= diagnosesPerInterval) {
      undiagnosed += 1
      return false
    }
    admitted += 1
    return true
  }

  function logNullSession(diagnosis: SessionDiagnosis, now = Date.now()): boolean {
    const reason = `${diagnosis.status}:${diagnosis.causes[0]?.code ?? ''}`
    const previous = lastLogged.get(reason)
    if (previous && now - previous.at < intervalMs) {
      previous.suppressed += 1
      return false
    }
    lastLogged.set(reason, { at: now, suppressed: 0 })
    log({
      status: diagnosis.status,
      cause: diagnosis.causes[0]?.code ?? null,
      credential: diagnosis.credential,
      suppressedSinceLast: previous?.suppressed ?? 0,
      undiagnosedSinceLast: undiagnosed,
    })
    undiagnosed = 0
    return true
  }

  return { admit, log: logNullSession }
}

export type NullSessionLogger = ReturnType<typeof createNullSessionLogger>

/**
 * The BetterAuth plugin. Only HTTP calls are reported (`ctx.request` is set): the service's own
 * `auth.api.getSession` calls (the guard trying a cookie, then a bearer token) are not user-facing.
 */
export function nullSessionReport(
  diagnose: (headers: Headers, credentials?: RequestCredentials) => Promise<SessionDiagnosis>,
  report: NullSessionLogger,
) {
  return {
    id: 'edge-auth-null-session-report',
    hooks: {
      after: [
        {
          matcher: (context: { path?: string; request?: Request }) =>
            context.path === '/get-session' && context.request !== undefined,
          handler: createAuthMiddleware(async function reportNullSession(ctx) {
            if (ctx.context.returned !== null || !ctx.headers || !report.admit()) return
            const diagnosis = diagnose(ctx.headers, credentialsOf(ctx.request))
            ctx.context.runInBackground(diagnosis.then((d) => void report.log(d)))
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin
}
