/**
 * The service's hosted pages (docs/pages.md): a frontend with no sign-in form of its own links to
 * `/sign-in?callbackURL=…` on the service, and the user comes back signed in through the hand-off.
 */

/** The hosted pages a frontend links to. */
export type HostedPage = 'sign-in' | 'sign-up' | 'account'

/**
 * @example
 * hostedPageURL('https://auth.example.com', 'sign-in', 'https://docs.example.com/after')
 * // 'https://auth.example.com/sign-in?callbackURL=https%3A%2F%2Fdocs.example.com%2Fafter'
 */
export function hostedPageURL(serviceRoot: string, page: HostedPage, callbackURL?: string): string {
  const url = `${serviceRoot}/${page}`
  if (page === 'account' || !callbackURL) return url
  return `${url}?${new URLSearchParams({ callbackURL })}`
}
