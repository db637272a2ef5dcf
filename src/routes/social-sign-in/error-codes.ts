/**
 * What a failed provider sign-in tells the frontend: BetterAuth's callback error codes (and the
 * provider's own `error`, which BetterAuth passes through) mapped to one stable code of ours each.
 */
import type { ErrorCode } from '../../errors.ts'

/** Provider (RFC 6749 §4.1.2.1) and BetterAuth callback codes, by the code of ours they become. */
const MAPPING: Record<string, ErrorCode> = {
  access_denied: 'OAUTH_ACCESS_DENIED',
  consent_required: 'OAUTH_ACCESS_DENIED',
  login_required: 'OAUTH_ACCESS_DENIED',
  interaction_required: 'OAUTH_ACCESS_DENIED',
  temporarily_unavailable: 'OAUTH_PROVIDER_UNAVAILABLE',
  server_error: 'OAUTH_PROVIDER_UNAVAILABLE',
  state_security_mismatch: 'OAUTH_STATE_MISMATCH',
  state_invalid: 'OAUTH_STATE_MISMATCH',
  state_not_found: 'OAUTH_STATE_MISMATCH',
  invalid_code: 'OAUTH_PROVIDER_FAILED',
  unable_to_get_user_info: 'OAUTH_PROVIDER_FAILED',
  issuer_mismatch: 'OAUTH_PROVIDER_FAILED',
  issuer_missing: 'OAUTH_PROVIDER_FAILED',
  nonce_binding_missing: 'OAUTH_PROVIDER_FAILED',
  oauth_provider_not_found: 'OAUTH_PROVIDER_NOT_ENABLED',
  email_not_found: 'OAUTH_EMAIL_MISSING',
  account_not_linked: 'OAUTH_ACCOUNT_NOT_LINKED',
  // A first sign-in whose user + account batch failed: nothing was written, a retry can succeed.
  unable_to_create_user: 'OAUTH_USER_NOT_CREATED',
}

/**
 * The stable code for a BetterAuth callback failure. BetterAuth answers `state_mismatch` both for
 * a state it no longer knows (used or expired: it then cannot say which flow it was, and the
 * failure arrives without the flow's own error URL) and for a browser without the flow's state
 * cookie (it knows the flow): `knownFlow` tells them apart.
 *
 * @example
 * socialErrorCode('access_denied', true) // 'OAUTH_ACCESS_DENIED'
 */
export function socialErrorCode(betterAuthCode: string | undefined, knownFlow: boolean): ErrorCode {
  if (betterAuthCode === 'state_mismatch') return knownFlow ? 'OAUTH_STATE_MISMATCH' : 'OAUTH_CALLBACK_EXPIRED'
  return (betterAuthCode && MAPPING[betterAuthCode]) || 'OAUTH_FAILED'
}
