/**
 * BetterAuth's signed session cookie cache, from `SESSION_CACHE_TTL`. After a session is read from
 * the database, BetterAuth also sets `<prefix>.session_data`: the session and its user, HMAC-signed
 * with the current secret, valid for the TTL. While it is valid, get-session, `/api/auth/token` and
 * the guard answer from it without a round trip. The cookie is made like the session cookie (same
 * name prefix, SameSite, Secure, Partitioned, Domain: `advanced.defaultCookieAttributes`), so it
 * lands wherever the session cookie does, in every cookie mode.
 *
 * `compact` (HMAC over JSON, base64url) is the cheapest strategy to verify and the one the fast
 * path (fast-session.ts) reads. Sign-out and BetterAuth's own revocations of the current session
 * expire the cookie; password change reads the database (BetterAuth's sensitive-session check).
 */
import type { Config } from '../config/index.ts'

/** The strategy both BetterAuth and the fast path use. */
export const SESSION_CACHE_STRATEGY = 'compact' as const

export function sessionCacheOptions(config: Config) {
  const seconds = config.sessionCacheSeconds
  return seconds > 0
    ? { enabled: true, maxAge: seconds, strategy: SESSION_CACHE_STRATEGY }
    : { enabled: false, strategy: SESSION_CACHE_STRATEGY }
}
