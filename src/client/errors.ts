/** The client's own errors, in the service's shape: a stable `code` and a `message` for people. */

export type EdgeAuthErrorCode =
  /** The hand-off found no session on the service (`?auth_error=no_session`): sign in first. */
  | 'HANDOFF_NO_SESSION'
  /** The hand-off failed for another reason; `reason` is the service's `auth_error` value. */
  | 'HANDOFF_FAILED'
  /** The hand-off's one-time token was refused: spent (a reload), expired (3 minutes) or forged. */
  | 'HANDOFF_TOKEN_INVALID'
  /** A provider sign-in failed; `reason` is the service's code (`OAUTH_ACCESS_DENIED`, …, see its README). */
  | 'SIGN_IN_FAILED'

/**
 * @example
 * const result = await authClient.handoff()
 * if (result.status === 'failed' && result.error.code === 'HANDOFF_NO_SESSION') showSignIn()
 */
export class EdgeAuthError extends Error {
  readonly code: EdgeAuthErrorCode
  /** What the service said, when it said something: an `auth_error` value or an error code. */
  readonly reason: string | undefined
  constructor(code: EdgeAuthErrorCode, message: string, reason?: string) {
    super(message)
    this.name = 'EdgeAuthError'
    this.code = code
    this.reason = reason
  }
}
