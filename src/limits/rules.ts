/**
 * Which BetterAuth routes are counted, and how much. Only these pay the database round trip;
 * every other route (get-session, the JWKS, list-sessions, …) is never counted.
 *
 * - Credentials (`/sign-in/*`, `/sign-up/*`, change-password, change-email, verify-password):
 *   3 requests per 10 s per address group, per path.
 * - Mail (every route that sends one): 3 per minute per address group and 3 per hour per
 *   recipient (the body's email, trimmed and lower-cased), one budget for all mail routes.
 * - Token and code verification (email links, password reset, one-time tokens, email codes):
 *   10 per minute per address group, per path.
 * - Failed sign-ins per account (the body's email; for verify-password the session): the first
 *   10 attempts pass; each later one must come 30 s, 1, 2, 4, 8 minutes, then every 15 minutes
 *   after the one before. The count starts over after 15 minutes without an attempt; a
 *   successful attempt gives its count back, a password reset clears it.
 */

export interface AddressRule {
  readonly windowSeconds: number
  readonly max: number
}

export const CREDENTIAL_RULE: AddressRule = { windowSeconds: 10, max: 3 }
export const MAIL_ADDRESS_RULE: AddressRule = { windowSeconds: 60, max: 3 }
export const TOKEN_RULE: AddressRule = { windowSeconds: 60, max: 10 }
/** Mails per recipient, whatever the route and whoever asks. */
export const MAIL_RECIPIENT_RULE: AddressRule = { windowSeconds: 3600, max: 3 }
export const ACCOUNT_THROTTLE = { threshold: 10, baseSeconds: 30, capSeconds: 15 * 60, quietSeconds: 15 * 60 } as const

/**
 * Mail routes and the body field naming the recipient. `/sign-in/email` is not among them: its
 * verification resend happens only after the password was checked, so the recipient budget is
 * taken where that mail is sent (`LimitService.takeMailBudget`).
 */
const MAIL_ROUTES: Readonly<Record<string, string>> = {
  '/sign-up/email': 'email',
  '/send-verification-email': 'email',
  '/request-password-reset': 'email',
  '/forget-password': 'email',
  '/email-otp/send-verification-otp': 'email',
  '/email-otp/request-password-reset': 'email',
  '/forget-password/email-otp': 'email',
  '/sign-in/magic-link': 'email',
  '/change-email': 'newEmail',
}

const TOKEN_ROUTES = new Set([
  '/verify-email',
  '/reset-password',
  '/one-time-token/verify',
  '/email-otp/verify-email',
  '/email-otp/check-verification-otp',
  '/email-otp/reset-password',
  '/magic-link/verify',
])

/** Routes whose failures count against an account: the body's email, or the session's holder. */
const THROTTLED_ROUTES: Readonly<Record<string, 'email' | 'session'>> = {
  '/sign-in/email': 'email',
  '/verify-password': 'session',
}

export interface RoutePlan {
  /** The path the address buckets are keyed by. */
  readonly path: string
  readonly addressRules: readonly AddressRule[]
  /** Body field holding the mail recipient, for mail routes. */
  readonly recipientField?: string
  readonly throttle?: 'email' | 'session'
}

/**
 * What to count for a path below `/api/auth` (e.g. `/sign-in/email`), or undefined for none.
 *
 * @example
 * planFor('/sign-up/email') // { path, addressRules: [CREDENTIAL_RULE, MAIL_ADDRESS_RULE], recipientField: 'email' }
 */
export function planFor(path: string): RoutePlan | undefined {
  // A token in the path (GET /reset-password/:token) must not become a key of its own.
  const route = path.startsWith('/reset-password/') ? '/reset-password' : path
  const addressRules: AddressRule[] = []
  if (/^\/(sign-in|sign-up)\//.test(route) || ['/change-password', '/change-email', '/verify-password'].includes(route))
    addressRules.push(CREDENTIAL_RULE)
  const recipientField = MAIL_ROUTES[route]
  if (recipientField) addressRules.push(MAIL_ADDRESS_RULE)
  if (TOKEN_ROUTES.has(route)) addressRules.push(TOKEN_RULE)
  const throttle = THROTTLED_ROUTES[route]
  if (addressRules.length === 0 && !throttle) return undefined
  return { path: route, addressRules, recipientField, throttle }
}
