/**
 * Revoking the current session outside BetterAuth (the sessions API) must end it on this device
 * at once, as BetterAuth's own revoke-session does (`deleteSessionCookie`): otherwise the session
 * cache cookie would go on answering for up to SESSION_CACHE_TTL. These are the `Set-Cookie` lines
 * expiring the session cookie, its cache and the "don't remember me" marker, with their attributes.
 */
import { type CookieSpec, serializeCookie } from '../http/cookies.ts'

/** The cookies of BetterAuth's `context.authCookies` a signed-in device holds. */
export interface SessionCookieSpecs {
  readonly sessionToken: CookieSpec
  readonly sessionData: CookieSpec
  readonly dontRememberToken: CookieSpec
}

/**
 * @example
 * for (const line of expiredSessionCookies(context.authCookies)) headers.append('set-cookie', line)
 */
export function expiredSessionCookies(cookies: SessionCookieSpecs): readonly string[] {
  return [cookies.sessionToken, cookies.sessionData, cookies.dontRememberToken].map((spec) =>
    serializeCookie({ name: spec.name, attributes: { ...spec.attributes, maxAge: 0 } }, ''),
  )
}
