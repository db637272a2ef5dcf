/**
 * What a page says for a code in its address (`?error=CODE`, `?message=CODE`): every code of the
 * registry (errors.ts), BetterAuth's codes a form can meet, and the pages' own notices. A code
 * nobody knows gets a general sentence: the address never puts text of its own on a page.
 */
import type { ERRORS } from '../../errors.ts'

const OURS: Readonly<Record<keyof typeof ERRORS, string>> = {
  CONFIG_INVALID: 'The service is misconfigured; its operator has been told. Please try again later.',
  INTERNAL_ERROR: 'Something went wrong on our side. Please try again.',
  NOT_FOUND: 'That page does not exist.',
  PAYLOAD_TOO_LARGE: 'What you sent is too long.',
  RATE_LIMITED: 'Too many attempts.',
  BAD_REQUEST: 'Something in the form was not valid. Please check it and try again.',
  NAME_TOO_LONG: 'That name is too long.',
  INVALID_CALLBACK_URL: 'The link that brought you here is broken: its return address is not a valid URL.',
  UNTRUSTED_CALLBACK_URL: 'The link that brought you here wants to send you to a site this service does not trust.',
  UNAUTHORIZED: 'Please sign in first.',
  FORBIDDEN: 'That is not yours to change.',
  UNTRUSTED_ORIGIN: 'This form was sent from another site, so nothing was done. Please use the form on this page.',
  SESSION_NOT_FOUND: 'That session has already ended.',
  INVALID_CREDENTIAL_HEADER: 'Your browser sent a cookie this service cannot read. Clearing this site’s cookies helps.',
  INVALID_HEALTH_TOKEN: 'That health token is not valid.',
  INVALID_CRON_SECRET: 'That cron secret is not valid.',
  INVALID_PAGINATION: 'That page of results does not exist.',
  DATABASE_UNAVAILABLE: 'The service is briefly unavailable. Nothing was changed; please try again in a few seconds.',
  WRITE_CONFLICT: 'Something changed at the same moment. Nothing was saved; please try again.',
  WRITE_OUTCOME_UNKNOWN:
    'The service did not hear back in time, so it cannot tell whether that went through. Check before you try again.',
  OAUTH_CROSS_SITE_FETCH: 'That sign-in has to start from a link. Please use the button on this page.',
  OAUTH_PROVIDER_NOT_ENABLED: 'That sign-in provider is not available here.',
  OAUTH_PROVIDER_UNAVAILABLE: 'The sign-in provider could not be reached. Please try again shortly.',
  OAUTH_PROVIDER_FAILED: 'The sign-in provider did not finish the sign-in. Please try again.',
  OAUTH_ACCESS_DENIED: 'The sign-in was cancelled at the provider.',
  OAUTH_STATE_MISMATCH: 'That sign-in was started in another browser or tab. Please start it again here.',
  OAUTH_CALLBACK_EXPIRED: 'That sign-in was already finished or took too long. Please start again.',
  OAUTH_EMAIL_MISSING: 'The provider did not share your email address, which this service needs.',
  OAUTH_ACCOUNT_NOT_LINKED:
    'An account with this email already exists. Sign in the way you did before, then link the provider on your account page.',
  OAUTH_USER_NOT_CREATED: 'Your account could not be created just now; nothing was saved. Please try again.',
  OAUTH_FAILED: 'The sign-in with the provider failed. Please try again.',
}

/** BetterAuth's codes that the pages' forms and mailed links can meet. */
const BETTER_AUTH: Readonly<Record<string, string>> = {
  INVALID_EMAIL_OR_PASSWORD: 'That email and password do not match an account.',
  INVALID_EMAIL: 'That is not a valid email address.',
  INVALID_PASSWORD: 'That password is not right.',
  PASSWORD_TOO_SHORT: 'That password is too short: use at least 8 characters.',
  PASSWORD_TOO_LONG: 'That password is too long: use at most 128 characters.',
  EMAIL_NOT_VERIFIED: 'Please confirm your email address first: we have mailed you a fresh link.',
  USER_ALREADY_EXISTS: 'An account with this email already exists. Sign in instead.',
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: 'An account with this email already exists. Sign in instead.',
  INVALID_TOKEN: 'This link is not valid: it was already used, or mistyped. Ask for a new one.',
  TOKEN_EXPIRED: 'This link has expired. Ask for a new one.',
  USER_NOT_FOUND: 'This link belongs to no account.',
  INVALID_USER: 'This link is for another account than the one signed in here.',
  INVALID_OTP: 'That code is not right.',
  OTP_EXPIRED: 'That code has expired. Ask for a new one.',
  TOO_MANY_ATTEMPTS: 'Too many wrong codes. Ask for a new one.',
  CREDENTIAL_ACCOUNT_NOT_FOUND: 'This account has no password yet. Use “Forgot password” to set one.',
  FAILED_TO_UNLINK_LAST_ACCOUNT: 'This is your only way to sign in, so it stays linked.',
  ACCOUNT_NOT_FOUND: 'That provider is not linked to your account.',
  SESSION_EXPIRED: 'Your session has ended. Please sign in again.',
  SESSION_NOT_FRESH: 'For this change, please sign out and sign in again first.',
  VALIDATION_ERROR: 'Something in the form was not valid. Please check it and try again.',
  EMAIL_ALREADY_VERIFIED: 'Your email address is already confirmed.',
  RESET_PASSWORD_DISABLED: 'Password reset is not available on this service.',
}

/** The pages' own notices after a form did its work. */
const NOTICES: Readonly<Record<string, string>> = {
  CHECK_INBOX: 'Check your inbox for a link to finish signing up.',
  RESET_SENT: 'If that address has an account, a reset link is on its way.',
  CODE_SENT: 'If the address can receive mail, a 6-digit code is on its way. It works for 5 minutes.',
  PASSWORD_RESET: 'Password changed. Sign in with the new one.',
  PASSWORD_CHANGED: 'Password changed. Your other sessions have ended.',
  VERIFICATION_SENT: 'A confirmation link is on its way to your address.',
  SESSION_REVOKED: 'That session has ended.',
  OTHERS_REVOKED: 'Every other session has ended.',
  SIGNED_OUT: 'You are signed out.',
  UNLINKED: 'The provider is no longer linked.',
  VERIFIED: 'Your email address is confirmed.',
}

const CODE = /^[A-Z_]{1,64}$/

/** The sentence for an error code; any unknown or malformed code gets the general one. */
export function errorMessage(code: string | undefined): string | undefined {
  if (!code) return undefined
  if (!CODE.test(code)) return 'That did not work. Please try again.'
  return (OURS as Record<string, string>)[code] ?? BETTER_AUTH[code] ?? 'That did not work. Please try again.'
}

/** The sentence for a notice code, or undefined for an unknown one. */
export function noticeMessage(code: string | undefined): string | undefined {
  return code && CODE.test(code) ? NOTICES[code] : undefined
}

/** Whether a code is one the pages can explain: a form handler passes on only these. */
export function isKnownCode(code: string): boolean {
  return code in OURS || code in BETTER_AUTH || code in NOTICES
}
