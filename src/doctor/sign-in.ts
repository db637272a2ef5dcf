/** The doctor's sign-in check: a real sign-in from the frontend's origin, its Set-Cookie, then sign-out. */

import { parseSetCookie } from '../http/cookies.ts'
import { HEADERS } from '../http/headers.ts'
import { isCrossSite } from '../http/site.ts'
import type { DoctorOptions, Report } from './report.ts'

export async function checkSignIn(options: DoctorOptions, report: Report, doFetch: typeof fetch) {
  const response = await doFetch(`${options.serviceUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { origin: options.origin, 'content-type': 'application/json' },
    body: JSON.stringify({ email: options.email, password: options.password }),
  })
  if (!response.ok) {
    report({
      check: 'sign-in',
      ok: false,
      message: `sign-in answered ${response.status}`,
      fix: response.status === 403 ? `Add ${options.origin} to TRUSTED_ORIGINS.` : 'Check the email and password.',
    })
    return
  }
  const line = response.headers.getSetCookie().find((l) => l.includes('session_token='))
  const bearer = response.headers.get(HEADERS.sessionToken)
  if (!line) {
    report({
      check: 'sign-in cookie',
      ok: false,
      message: 'sign-in set no session cookie',
      fix: 'Check the service logs and /health/auth.',
    })
    return
  }
  const { name, value, attributes } = parseSetCookie(line)
  const crossSite = isCrossSite(options.origin, options.serviceUrl)
  const sameSite = (attributes.get('samesite') ?? 'lax').toLowerCase()
  const problems: string[] = []
  if (crossSite && sameSite !== 'none') problems.push(`SameSite=${sameSite} on a cross-site frontend`)
  if (crossSite && !attributes.has('partitioned')) problems.push('not Partitioned')
  if ((sameSite === 'none' || attributes.has('partitioned')) && !attributes.has('secure'))
    problems.push('SameSite=None without Secure')
  if (!attributes.has('httponly')) problems.push('not HttpOnly')
  report(
    problems.length === 0
      ? {
          check: 'sign-in cookie',
          ok: true,
          message: `${name}: SameSite=${sameSite}${attributes.has('partitioned') ? ', Partitioned' : ''}${attributes.has('secure') ? ', Secure' : ''}, HttpOnly`,
        }
      : {
          check: 'sign-in cookie',
          ok: false,
          message: `${name} is ${problems.join(', ')}`,
          fix: 'Let edge-auth derive the cookie mode (COOKIE_MODE=auto) from TRUSTED_ORIGINS.',
        },
  )
  report(
    bearer
      ? { check: 'bearer token', ok: true, message: 'set-auth-token is issued for the bearer fallback' }
      : {
          check: 'bearer token',
          ok: false,
          message: 'no set-auth-token header after sign-in',
          fix: 'Enable the bearer plugin.',
        },
  )

  const cookie = `${name}=${value}`
  const session = await doFetch(`${options.serviceUrl}/health/session`, { headers: { origin: options.origin, cookie } })
  const diagnosis = (await session.json()) as { status: string; causes: { message: string; fix: string }[] }
  report(
    diagnosis.status === 'valid'
      ? { check: 'session', ok: true, message: 'the new session is valid' }
      : {
          check: 'session',
          ok: false,
          message: `the new session is ${diagnosis.status}: ${diagnosis.causes[0]?.message ?? ''}`,
          fix: diagnosis.causes[0]?.fix ?? '',
        },
  )
  await doFetch(`${options.serviceUrl}/api/auth/sign-out`, {
    method: 'POST',
    headers: { origin: options.origin, cookie, 'content-type': 'application/json' },
    body: '{}',
  })
}
