/** The doctor's cookie checks: the service's cookie policy against the frontend's site. */
import { isCrossSite } from '../http/site.ts'
import type { AuthHealth } from './health.ts'
import type { DoctorOptions, Report } from './report.ts'

export function checkCookieMode(options: DoctorOptions, health: AuthHealth, report: Report) {
  if (!health.cookies) return
  // The service's own verdict over every trusted origin, not only the one the doctor plays.
  for (const warning of health.cookies.warnings ?? []) {
    report({ check: 'cookie policy', ok: false, message: warning.message, fix: warning.fix })
  }
  const frontend = new URL(options.origin)
  const crossSite = isCrossSite(options.origin, options.serviceUrl)
  const { attributes, mode } = health.cookies
  if (!attributes) {
    // The anonymous level: the mode, not the attributes.
    if (crossSite && mode !== 'cross-site')
      report({
        check: 'cookie mode',
        ok: false,
        message: `${options.origin} is on another site than the service, but the service uses the ${mode} cookie mode: the browser will not send its cookie, and get-session returns null`,
        fix: `Add ${options.origin} to TRUSTED_ORIGINS and unset COOKIE_MODE (edge-auth then uses SameSite=None; Secure; Partitioned), or put both on one registrable domain; --health-token shows the cookie's attributes.`,
      })
    else
      report({ check: 'cookie mode', ok: true, message: `${mode}: ${crossSite ? 'cross-site' : 'same-site'} frontend` })
    return
  }
  if (crossSite && attributes.sameSite !== 'None') {
    report({
      check: 'cookie mode',
      ok: false,
      message: `${options.origin} is on another site than the service, but the session cookie is SameSite=${attributes.sameSite}: the browser will never send it, and get-session returns null`,
      fix: `${health.cookies.modeSource === 'COOKIE_MODE' ? 'Remove COOKIE_MODE=same-site (edge-auth then uses SameSite=None; Secure; Partitioned), put' : `Add ${options.origin} to TRUSTED_ORIGINS (edge-auth then uses SameSite=None; Secure; Partitioned), or put`} both on one registrable domain, or use the bearer token.`,
    })
  } else if (crossSite && !attributes.partitioned) {
    report({
      check: 'cookie mode',
      ok: false,
      message: 'the cross-site cookie is not Partitioned, so browsers that block third-party cookies drop it',
      fix: "Use edge-auth's cross-site mode (COOKIE_MODE=auto).",
    })
  } else if (
    attributes.domain &&
    !(frontend.hostname === attributes.domain || frontend.hostname.endsWith(`.${attributes.domain}`))
  ) {
    report({
      check: 'cookie mode',
      ok: false,
      message: `the cookie Domain=${attributes.domain} does not cover ${frontend.hostname}`,
      fix: 'Set COOKIE_DOMAIN to a parent of both hosts, or unset it.',
    })
  } else {
    report({
      check: 'cookie mode',
      ok: true,
      message: `${mode}: ${crossSite ? 'cross-site' : 'same-site'} frontend, SameSite=${attributes.sameSite}${attributes.partitioned ? ', Partitioned' : ''}`,
    })
  }
}
