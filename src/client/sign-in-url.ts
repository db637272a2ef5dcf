/**
 * The address of a provider sign-in on the service (`GET /auth/sign-in/:provider`). The browser
 * navigates there (a link, `location.assign`): started by fetch, the provider's state cookie would
 * stay in this site's partition and the callback would fail.
 */
import { SOCIAL_SIGN_IN_PATH } from '../http/social-params.ts'

export interface SignInURLOptions {
  /** Where to land signed in (default: the current page). Must be on a trusted origin. */
  callbackURL?: string
  /** Where to land on failure, with `?auth_error=<CODE>` (default: callbackURL). */
  errorCallbackURL?: string
  /** Where a first sign-in (a new user) lands instead of callbackURL. */
  newUserCallbackURL?: string
}

/**
 * @example
 * socialSignInURL('https://auth.example.com', 'github', { callbackURL: 'https://docs.example.com/' })
 * // 'https://auth.example.com/auth/sign-in/github?callbackURL=https%3A%2F%2Fdocs.example.com%2F'
 */
export function socialSignInURL(
  serviceRoot: string,
  provider: string,
  options: SignInURLOptions = {},
  currentPage?: string,
): string {
  const callbackURL = options.callbackURL ?? currentPage
  if (!callbackURL) throw new TypeError('edge-auth/client: signInURL needs a callbackURL outside a browser page')
  const query = new URLSearchParams({ callbackURL })
  if (options.errorCallbackURL) query.set('errorCallbackURL', options.errorCallbackURL)
  if (options.newUserCallbackURL) query.set('newUserCallbackURL', options.newUserCallbackURL)
  return `${serviceRoot}${SOCIAL_SIGN_IN_PATH}/${encodeURIComponent(provider)}?${query}`
}
