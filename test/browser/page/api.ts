/**
 * What the test page exposes on `window.edgeAuth` for `page.evaluate`, and what it is told by
 * the server that serves it (`window.EDGE_AUTH_PAGE`). Types only: shared by page and tests.
 */

export type Transport = 'cookie' | 'bearer'

export interface PageConfig {
  /** Shown on the page and used in screenshot names, e.g. `same-site`. */
  readonly mode: string
  /** The auth service's origin, BetterAuth's `baseURL`. */
  readonly serviceOrigin: string
  /** `cookie`: credentials: 'include'. `bearer`: credentials: 'omit' plus Authorization: Bearer. */
  readonly transport: Transport
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

/** `/health/session` as the page received it. */
export interface Diagnosis {
  readonly httpStatus: number
  readonly status: string
  readonly credential: 'cookie' | 'bearer' | null
  readonly causes: readonly { readonly code: string; readonly message: string; readonly fix: string }[]
  readonly signedWith?: { readonly version: number | null; readonly current: boolean }
  readonly session?: { readonly id: string; readonly userId: string }
}

export interface PageState {
  readonly mode: string
  readonly transport: Transport
  readonly pageOrigin: string
  readonly serviceOrigin: string
  /** After the last get-session: null when the service answered null. */
  readonly session: SessionSummary | null
  readonly sessionChecked: boolean
  readonly diagnosis: Diagnosis | null
  readonly lastAction: (ActionResult & { readonly name: string }) | null
  /** `exchanged`, `failed: …` or null when the page was not opened with `?ott=`. */
  readonly handoff: string | null
  readonly bearerStored: boolean
}

export interface ThirdPartyCookieProbe {
  /** An unpartitioned SameSite=None; Secure cookie came back on a cross-site fetch. */
  readonly unpartitionedSent: boolean
  /** A partitioned (CHIPS) SameSite=None; Secure cookie came back on a cross-site fetch. */
  readonly partitionedSent: boolean
}

export interface PageApi {
  /** Settles after the page's own start-up: the ott exchange, if any, then get-session and diagnosis. */
  readonly ready: Promise<PageState>
  signUp(email: string, password: string, name: string): Promise<ActionResult>
  signIn(email: string, password: string): Promise<ActionResult>
  getSession(): Promise<SessionSummary | null>
  diagnose(): Promise<Diagnosis>
  /** get-session, then the diagnosis, then renders. */
  refresh(): Promise<PageState>
  state(): PageState
  /** Sets and reads back a cookie on `probeOrigin`, another site that the page fetches with credentials. */
  probeThirdPartyCookies(probeOrigin: string): Promise<ThirdPartyCookieProbe>
}
