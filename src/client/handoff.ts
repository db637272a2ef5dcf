/**
 * The frontend's half of the redirect hand-off (the service's `/auth/handoff`): the page is opened
 * with `?ott=<one-time token>` or `?auth_error=<reason>`. Both are taken out of the address at once
 * (`history.replaceState`), so neither a reload nor the history replays a spent token, and the
 * token is exchanged for this site's own session.
 */

import { HANDOFF_ERROR_PARAM, HANDOFF_TOKEN_PARAM } from '../http/handoff-params.ts'
import { EdgeAuthError } from './errors.ts'

/** The service's provider sign-in codes all start so (`OAUTH_ACCESS_DENIED`, …). */
const SOCIAL_ERROR_PREFIX = 'OAUTH_'

export interface HandoffParams {
  readonly token: string | null
  readonly error: string | null
  /** The page's URL without the two parameters. */
  readonly cleanURL: string
}

export type HandoffResult =
  /** The page was not opened by a hand-off. */
  | { readonly status: 'none' }
  /** The one-time token was exchanged: this site now holds the session. */
  | { readonly status: 'signed-in' }
  | { readonly status: 'failed'; readonly error: EdgeAuthError }

/**
 * The hand-off parameters of a page URL, or null when it has none.
 *
 * @example
 * readHandoff('https://docs.example.com/signed-in?ott=abc#top')
 * // { token: 'abc', error: null, cleanURL: 'https://docs.example.com/signed-in#top' }
 */
export function readHandoff(href: string): HandoffParams | null {
  const url = new URL(href)
  const token = url.searchParams.get(HANDOFF_TOKEN_PARAM)
  const error = url.searchParams.get(HANDOFF_ERROR_PARAM)
  if (token === null && error === null) return null
  url.searchParams.delete(HANDOFF_TOKEN_PARAM)
  url.searchParams.delete(HANDOFF_ERROR_PARAM)
  return { token: token || null, error, cleanURL: url.toString() }
}

/** What the exchange needs: BetterAuth's `oneTimeToken.verify` (the one-time-token client plugin). */
export type VerifyOneTimeToken = (input: {
  token: string
}) => Promise<{ error: { status: number; code?: string | undefined; message?: string | undefined } | null }>

/**
 * Exchanges the parameters for a session; never rejects.
 *
 * @example
 * const result = await completeHandoff(params, (input) => authClient.oneTimeToken.verify(input))
 */
export async function completeHandoff(params: HandoffParams, verify: VerifyOneTimeToken): Promise<HandoffResult> {
  if (params.error !== null) {
    const error =
      params.error === 'no_session'
        ? new EdgeAuthError(
            'HANDOFF_NO_SESSION',
            'The auth service had no session to hand off: sign in first, then come back through the hand-off.',
            params.error,
          )
        : params.error.startsWith(SOCIAL_ERROR_PREFIX)
          ? new EdgeAuthError('SIGN_IN_FAILED', `The sign-in with the provider failed: ${params.error}.`, params.error)
          : new EdgeAuthError('HANDOFF_FAILED', `The hand-off failed: ${params.error}.`, params.error)
    return { status: 'failed', error }
  }
  if (!params.token) {
    return { status: 'failed', error: new EdgeAuthError('HANDOFF_TOKEN_INVALID', 'The one-time token is empty.') }
  }
  try {
    const { error } = await verify({ token: params.token })
    if (!error) return { status: 'signed-in' }
    return {
      status: 'failed',
      error: new EdgeAuthError(
        'HANDOFF_TOKEN_INVALID',
        'The one-time token was refused: it was already used, expired (3 minutes) or is not genuine.',
        error.code ?? String(error.status),
      ),
    }
  } catch (cause) {
    return {
      status: 'failed',
      error: new EdgeAuthError('HANDOFF_FAILED', `The one-time token could not be exchanged: ${String(cause)}`),
    }
  }
}
