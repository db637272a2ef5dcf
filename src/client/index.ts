/**
 * `edge-auth/client`: BetterAuth's browser client, set up for edge-auth in one call. The client is
 * BetterAuth's own (`signIn.email`, `getSession`, `useSession`, `signOut`, … as BetterAuth
 * documents them), plus:
 *
 * - cookies on every request (`credentials: 'include'`), and the bearer token (`set-auth-token`)
 *   as the fallback where the cookie does not arrive, kept in step with the cookie and dropped on
 *   sign-out (session-fetch.ts; where it is kept: token-store.ts);
 * - the hand-off: `?ott=` exchanged for this site's session and `?auth_error=` surfaced as an
 *   `EdgeAuthError`, both removed from the address (`handoff()`; handoff.ts);
 * - `diagnose()`: the service's answer to "why is my session null?", even from an untrusted origin.
 *
 * Safe to import and create during server-side rendering: no browser global is touched until a
 * request is made in a browser.
 *
 * @example
 * import { createEdgeAuthClient } from 'edge-auth/client'
 * export const authClient = createEdgeAuthClient({ baseURL: 'https://auth.example.com' })
 * const { data } = await authClient.getSession() // waits for a hand-off in progress
 */
import {
  type AuthClient,
  type BetterAuthClientOptions,
  type BetterAuthClientPlugin,
  createAuthClient,
} from 'better-auth/client'
import { oneTimeTokenClient } from 'better-auth/client/plugins'
import { createDiagnose, type SessionDiagnosis } from './diagnose.ts'
import { completeHandoff, type HandoffResult, readHandoff, type VerifyOneTimeToken } from './handoff.ts'
import { type HostedPage, hostedPageURL } from './hosted-pages.ts'
import { createSessionFetch, type FetchLike } from './session-fetch.ts'
import { type SignInURLOptions, socialSignInURL } from './sign-in-url.ts'
import { createTokenStore, type TokenStorage } from './token-store.ts'

export type { SessionCause, SessionDiagnosis, SessionStatus } from './diagnose.ts'
export { EdgeAuthError, type EdgeAuthErrorCode } from './errors.ts'
export type { HandoffResult } from './handoff.ts'
export type { HostedPage } from './hosted-pages.ts'
export type { FetchLike } from './session-fetch.ts'
export type { SignInURLOptions } from './sign-in-url.ts'
export type { TokenStorage, TokenStore } from './token-store.ts'

const DEFAULT_BASE_PATH = '/api/auth'
const VERIFY_PATH = '/one-time-token/verify'
const NO_HANDOFF: Promise<HandoffResult> = Promise.resolve({ status: 'none' })

/** What edge-auth adds to BetterAuth's client. */
export interface EdgeAuthActions {
  /** `GET /health/session`: why the session is (or is not) there, from the service. Never rejects. */
  diagnose(): Promise<SessionDiagnosis>
  /** The outcome of this page load's hand-off (`?ott=` / `?auth_error=`); `none` without one. */
  handoff(): Promise<HandoffResult>
  /** The stored bearer fallback token, or null. */
  bearerToken(): string | null
  /**
   * Where a "Sign in with …" link goes: `GET /auth/sign-in/:provider` on the service, a top-level
   * navigation (not a fetch), so the provider flow works across sites. The URLs default to this page.
   */
  signInURL(provider: string, options?: SignInURLOptions): string
  /**
   * The service's hosted page (`/sign-in`, `/sign-up`, `/account`; docs/pages.md), coming back to
   * `callbackURL` (default: this page) signed in.
   */
  pageURL(page?: HostedPage, callbackURL?: string): string
  /** Navigates to the hosted sign-in page, which comes back to `callbackURL` (default: this page). */
  redirectToSignIn(callbackURL?: string): void
}

function edgeAuthPlugin(actions: EdgeAuthActions) {
  return {
    id: 'edge-auth',
    getActions: () => actions,
    // The exchange sets a session, as sign-in does: let `useSession` refetch.
    atomListeners: [{ signal: '$sessionSignal', matcher: (path: string) => path === VERIFY_PATH }],
  } satisfies BetterAuthClientPlugin
}

type EdgeAuthPlugins<Plugins extends BetterAuthClientPlugin[]> = [
  ReturnType<typeof oneTimeTokenClient>,
  ReturnType<typeof edgeAuthPlugin>,
  ...Plugins,
]

export type EdgeAuthClientOptions<Plugins extends BetterAuthClientPlugin[] = []> = Omit<
  BetterAuthClientOptions,
  'baseURL' | 'plugins' | 'fetchOptions'
> & {
  /** The service's absolute URL, e.g. `https://auth.example.com` (its `BETTER_AUTH_URL`). */
  baseURL: string
  /** More BetterAuth client plugins; the one-time-token plugin is always included. */
  plugins?: Plugins
  /** BetterAuth's fetch options, except `credentials` (always `include`) and `customFetchImpl` (see `fetch`). */
  fetchOptions?: Omit<NonNullable<BetterAuthClientOptions['fetchOptions']>, 'credentials' | 'customFetchImpl'>
  /** Where the bearer fallback token is kept: `session` (default), `memory`, `local`, or a store of yours. */
  tokenStorage?: TokenStorage
  /** Exchange `?ott=` and read `?auth_error=` when created in a browser (default true). */
  handoff?: boolean
  /** The fetch to send with; the global `fetch` at the time of each request by default. */
  fetch?: FetchLike
}

export type EdgeAuthClient<Plugins extends BetterAuthClientPlugin[] = []> = AuthClient<{
  baseURL: string
  plugins: EdgeAuthPlugins<Plugins>
}>

/** `https://auth.example.com/api/auth` → `https://auth.example.com`: where `/health/session` lives. */
function serviceRoot(baseURL: string, basePath = DEFAULT_BASE_PATH): string {
  let url: URL
  try {
    url = new URL(baseURL)
  } catch {
    throw new TypeError(`edge-auth/client: baseURL must be the service's absolute URL, not ${JSON.stringify(baseURL)}`)
  }
  const path = url.pathname.replace(/\/+$/, '')
  const base = basePath.replace(/\/+$/, '')
  return `${url.origin}${base && path.endsWith(base) ? path.slice(0, -base.length) : path}`
}

/** The page, when running in a browser (never at import, never during server-side rendering). */
function currentPage(): { location: Location; history: History } | null {
  if (typeof window === 'undefined' || !window.location || !window.history) return null
  return window
}

/**
 * BetterAuth's client for an edge-auth service, with the bearer fallback, the hand-off and
 * `diagnose()`.
 *
 * @example
 * const authClient = createEdgeAuthClient({ baseURL: 'https://auth.example.com' })
 * await authClient.signIn.email({ email, password })
 * const { status, causes } = await authClient.diagnose()
 */
export function createEdgeAuthClient<const Plugins extends BetterAuthClientPlugin[] = []>(
  options: EdgeAuthClientOptions<Plugins>,
): EdgeAuthClient<Plugins> {
  const { tokenStorage = 'session', handoff = true, fetch: customFetch, plugins = [], ...rest } = options
  const root = serviceRoot(options.baseURL, options.basePath)
  const store = createTokenStore(tokenStorage, `edge-auth:bearer:${root}`)
  const fetchImpl = (): FetchLike => customFetch ?? globalThis.fetch
  let handoffResult = NO_HANDOFF
  const transport = createSessionFetch({
    fetch: fetchImpl,
    store,
    wait: (path) => (path.endsWith(VERIFY_PATH) ? undefined : handoffResult),
  })
  const actions: EdgeAuthActions = {
    // What the client's requests send: the service, like BetterAuth, lets a stored token win over the cookie.
    diagnose: createDiagnose({
      serviceURL: root,
      fetch: fetchImpl,
      bearer: () => (transport.transport() === 'cookie' ? null : store.get()),
    }),
    handoff: () => handoffResult,
    bearerToken: () => store.get(),
    signInURL: (provider, signInOptions) =>
      socialSignInURL(root, provider, signInOptions, currentPage()?.location.href),
    pageURL: (page = 'sign-in', callbackURL) => hostedPageURL(root, page, callbackURL ?? currentPage()?.location.href),
    redirectToSignIn(callbackURL) {
      const page = currentPage()
      if (!page) throw new TypeError('edge-auth/client: redirectToSignIn needs a browser page')
      page.location.assign(hostedPageURL(root, 'sign-in', callbackURL ?? page.location.href))
    },
  }
  const client = createAuthClient({
    ...rest,
    plugins: [oneTimeTokenClient(), edgeAuthPlugin(actions), ...plugins],
    fetchOptions: { ...rest.fetchOptions, credentials: 'include', customFetchImpl: transport.fetch },
  }) as unknown as EdgeAuthClient<Plugins>

  const page = handoff ? currentPage() : null
  const params = page ? readHandoff(page.location.href) : null
  if (page && params) {
    page.history.replaceState(page.history.state, '', params.cleanURL)
    const verify = (client as unknown as { oneTimeToken: { verify: VerifyOneTimeToken } }).oneTimeToken.verify
    handoffResult = completeHandoff(params, verify)
  }
  return client
}
