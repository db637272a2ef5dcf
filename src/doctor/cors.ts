/** The doctor's CORS checks: the preflight a browser on the frontend's origin sends, and what it may read. */
import { HEADERS } from '../http/headers.ts'
import type { DoctorOptions, Report } from './report.ts'

function listHeader(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean)
}

export async function checkCors(options: DoctorOptions, report: Report, doFetch: typeof fetch) {
  const preflight = await doFetch(`${options.serviceUrl}/api/auth/sign-in/email`, {
    method: 'OPTIONS',
    headers: {
      origin: options.origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,authorization',
    },
  })
  const allowOrigin = preflight.headers.get('access-control-allow-origin')
  if (allowOrigin !== options.origin) {
    report({
      check: 'preflight',
      ok: false,
      message: allowOrigin
        ? `the preflight allows ${allowOrigin}, not ${options.origin}`
        : `the preflight from ${options.origin} gets no Access-Control-Allow-Origin`,
      fix: `Add ${options.origin} to TRUSTED_ORIGINS.`,
    })
    return
  }
  report({ check: 'preflight', ok: true, message: `${options.origin} is allowed` })
  const credentials = preflight.headers.get('access-control-allow-credentials') === 'true'
  report(
    credentials
      ? { check: 'credentials', ok: true, message: 'Access-Control-Allow-Credentials: true' }
      : {
          check: 'credentials',
          ok: false,
          message: 'credentials are not allowed, so the browser drops the session cookie',
          fix: 'Serve CORS with credentials: true (edge-auth does when the origin is trusted).',
        },
  )
  const allowHeaders = listHeader(preflight.headers.get('access-control-allow-headers'))
  const missing = ['content-type', HEADERS.authorization].filter((h) => !allowHeaders.includes(h))
  report(
    missing.length === 0
      ? { check: 'allowed headers', ok: true, message: 'Content-Type and Authorization may be sent' }
      : {
          check: 'allowed headers',
          ok: false,
          message: `the preflight does not allow ${missing.join(', ')}`,
          fix: 'Allow Content-Type and Authorization in CORS.',
        },
  )

  const actual = await doFetch(`${options.serviceUrl}/api/auth/get-session`, { headers: { origin: options.origin } })
  const exposed = listHeader(actual.headers.get('access-control-expose-headers'))
  const notExposed = [HEADERS.sessionToken, HEADERS.jwt].filter((h) => !exposed.includes(h))
  report(
    notExposed.length === 0
      ? { check: 'exposed headers', ok: true, message: 'set-auth-token and set-auth-jwt are readable by the frontend' }
      : {
          check: 'exposed headers',
          ok: false,
          message: `the frontend cannot read ${notExposed.join(', ')}`,
          fix: 'Expose set-auth-token and set-auth-jwt (Access-Control-Expose-Headers).',
        },
  )
}
