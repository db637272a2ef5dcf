/**
 * What the test page exposes on `window.edgeAuth` for `page.evaluate`, and what it is told by
 * the server that serves it (`window.EDGE_AUTH_PAGE`). Types only: shared by page and tests.
 */
import type { SessionDiagnosis } from 'edge-auth/client'

export interface PageConfig {
  /** Shown on the page and used in screenshot names, e.g. `same-site`. */
  readonly mode: string
  /** The auth service's origin: `createEdgeAuthClient`'s `baseURL`. */
  readonly serviceOrigin: string
}

export interface SessionSummary {
  readonly email: string
  readonly userId: string
  readonly sessionId: string
}

export interface ActionResult {
  readonly ok: boolean
  /** HTTP status of the auth call. */
  readonly status: number
  readonly error: string | null
  /** The user the response names, if any. */
  readonly email: string | null
}

/** `authClient.diagnose()`: the service's `/health/session`, as the page received it. */
export type Diagnosis = SessionDiagnosis

export interface PageState {
  readonly mode: string
  readonly pageOrigin: string
  readonly serviceOrigin: string
  /** After the last get-session: null when the service answered null, or when it failed. */
  readonly session: SessionSummary | null
  readonly sessionChecked: boolean
  /** Why the last get-session failed (e.g. the browser refused the response), or null. */
  readonly sessionError: string | null
  readonly diagnosis: Diagnosis | null
  readonly lastAction: (ActionResult & { readonly name: string }) | null
  /** `exchanged`, `failed: <EdgeAuthError code>` or null when the page was not opened by a hand-off. */
  readonly handoff: string | null
  /** The `signInOutcome()` of docs/social-sign-in.md after the page's start-up: '' when the page was not opened by a sign-in. */
  readonly signInOutcome: string | null
  /** The client holds a bearer fallback token (`authClient.bearerToken() !== null`). */
  readonly bearerStored: boolean
}

export interface ThirdPartyCookieProbe {
  /** An unpartitioned SameSite=None; Secure cookie came back on a cross-site fetch. */
  readonly unpartitionedSent: boolean
  /** A partitioned (CHIPS) SameSite=None; Secure cookie came back on a cross-site fetch. */
  readonly partitionedSent: boolean
}

/** The buttons of the page's mail form, one per function of the mail snippet of docs/email.md. */
export type MailButton = 'Sign up' | 'Forgot password' | 'Set new password' | 'Send code' | 'Sign in with code'

export interface PageApi {
  /** Settles after the page's own start-up: the hand-off, if any, then get-session and diagnosis. */
  readonly ready: Promise<PageState>
  signUp(email: string, password: string, name: string): Promise<ActionResult>
  signIn(email: string, password: string): Promise<ActionResult>
  /** Never rejects: a failure is recorded in `sessionError` and answered with null. */
  getSession(): Promise<SessionSummary | null>
  diagnose(): Promise<Diagnosis>
  /** get-session, then the diagnosis, then renders. */
  refresh(): Promise<PageState>
  state(): PageState
  /** The snippet's message for the mail form's last button pressed, once the call is done. */
  mailResult(): Promise<string>
  /** Sets and reads back a cookie on `probeOrigin`, another site that the page fetches with credentials. */
  probeThirdPartyCookies(probeOrigin: string): Promise<ThirdPartyCookieProbe>
}
