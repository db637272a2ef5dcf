/**
 * Every null get-session, diagnosed and logged with its reason, after the response is sent: a
 * BetterAuth after-hook on `/get-session` hands the diagnosis to `runInBackground` (the platform's
 * `waitUntil`, see context.ts). The log is rate-limited per reason and isolate, with a count of
 * what was held back, so a flood of anonymous visitors stays quiet.
 */
import { createAuthMiddleware } from 'better-auth/api'
import { logEvent } from '../logging.ts'
import type { SessionDiagnosis } from './session.ts'

export const NULL_SESSION_LOG_INTERVAL_MS = 60_000

type Log = (fields: Record<string, unknown>) => void
const warn: Log = (fields) => logEvent('warn', 'session_null', fields)

/**
 * A logger that writes each reason at most once per interval.
 *
 * @example
 * const logNullSession = createNullSessionLogger()
 * logNullSession(diagnosis) // true when written
 */
export function createNullSessionLogger(intervalMs = NULL_SESSION_LOG_INTERVAL_MS, log: Log = warn) {
  const lastLogged = new Map<string, { at: number; suppressed: number }>()

  return function logNullSession(diagnosis: SessionDiagnosis, now = Date.now()): boolean {
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
    })
    return true
  }
}

export type NullSessionLogger = ReturnType<typeof createNullSessionLogger>

/**
 * The BetterAuth plugin. Only HTTP calls are reported (`ctx.request` is set): the service's own
 * `auth.api.getSession` calls (the guard trying a cookie, then a bearer token) are not user-facing.
 *
 * @example
 * plugins: [nullSessionReport(diagnose, createNullSessionLogger())]
 */
export function nullSessionReport(
  diagnose: (headers: Headers, cookieName: string) => Promise<SessionDiagnosis>,
  logNullSession: NullSessionLogger,
) {
  return {
    id: 'edge-auth-null-session-report',
    hooks: {
      after: [
        {
          matcher: (context: { path?: string; request?: Request }) =>
            context.path === '/get-session' && context.request !== undefined,
          handler: createAuthMiddleware(async function reportNullSession(ctx) {
            if (ctx.context.returned !== null || !ctx.headers) return
            const cookieName = ctx.context.authCookies.sessionToken.name
            ctx.context.runInBackground(diagnose(ctx.headers, cookieName).then((d) => void logNullSession(d)))
          }),
        },
      ],
    },
  }
}
