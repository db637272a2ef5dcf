/**
 * The frontend of the browser tests, bundled by esbuild and loaded by the test page. It uses
 * `edge-auth/client` exactly as docs/frontend.md shows it (one `createEdgeAuthClient`
 * against the auth service on another origin, auth.ts), with the "Sign in with …" link
 * (`readme:sign-in`, bundled from docs/social-sign-in.md) and a form running the mail flows
 * (mail-form.ts), exposes its actions on `window.edgeAuth`, and
 * shows the state on the page.
 */
import { signInLink, signInOutcome } from 'readme:sign-in'
import type {
  ActionResult,
  Diagnosis,
  PageApi,
  PageConfig,
  PageState,
  SessionSummary,
  ThirdPartyCookieProbe,
} from './api.ts'
import { authClient as client } from './auth.ts'
import { mailForm } from './mail-form.ts'

const LAST_ACTION_KEY = 'edge-auth-test:last-action'
const HANDOFF_KEY = 'edge-auth-test:handoff'
const pageWindow = window as unknown as Window & { EDGE_AUTH_PAGE: PageConfig; edgeAuth: PageApi }
const config = pageWindow.EDGE_AUTH_PAGE

let state: PageState = {
  mode: config.mode,
  pageOrigin: location.origin,
  serviceOrigin: config.serviceOrigin,
  session: null,
  sessionChecked: false,
  sessionError: null,
  diagnosis: null,
  lastAction: JSON.parse(sessionStorage.getItem(LAST_ACTION_KEY) ?? 'null') as PageState['lastAction'],
  handoff: null,
  signInOutcome: null,
  bearerStored: client.bearerToken() !== null,
}

function update(changes: Partial<PageState>): PageState {
  state = { ...state, ...changes, bearerStored: client.bearerToken() !== null }
  render()
  return state
}

function row(table: HTMLTableElement, label: string, value: string, tone: 'good' | 'bad' | 'plain' = 'plain') {
  const tr = table.insertRow()
  const th = document.createElement('th')
  th.textContent = label
  tr.append(th)
  const td = tr.insertCell()
  td.textContent = value
  td.className = tone
  td.dataset.field = label
}

function render() {
  const root = document.getElementById('state')
  if (!root) return
  const table = document.createElement('table')
  row(table, 'Mode', state.mode)
  row(table, 'Page origin', state.pageOrigin)
  row(table, 'Auth service', state.serviceOrigin)
  row(table, 'Client', 'edge-auth/client: createEdgeAuthClient({ baseURL })')
  row(table, 'Bearer fallback stored', state.bearerStored ? 'yes (sessionStorage)' : 'no')
  if (state.lastAction) {
    const a = state.lastAction
    row(
      table,
      'Last action',
      `${a.name}: HTTP ${a.status}${a.email ? ` (${a.email})` : ''}${a.error ? ` - ${a.error}` : ''}`,
      a.ok ? 'good' : 'bad',
    )
  }
  if (state.signInOutcome)
    row(table, 'Sign-in outcome', state.signInOutcome, state.signInOutcome === 'Signed in' ? 'good' : 'bad')
  if (state.handoff) row(table, 'Hand-off (?ott=)', state.handoff, state.handoff === 'exchanged' ? 'good' : 'bad')
  const earlier = sessionStorage.getItem(HANDOFF_KEY)
  if (!state.handoff && earlier)
    row(table, 'Hand-off (?ott=)', `${earlier}, before a reload of this tab`, earlier === 'exchanged' ? 'good' : 'bad')
  row(
    table,
    'get-session',
    !state.sessionChecked ? '(not asked yet)' : state.session ? `signed in as ${state.session.email}` : 'null',
    !state.sessionChecked ? 'plain' : state.session ? 'good' : 'bad',
  )
  if (state.sessionError) row(table, 'get-session error', state.sessionError, 'bad')
  const d = state.diagnosis
  if (d) {
    const secret = d.signedWith?.version == null ? 'BETTER_AUTH_SECRET' : `version ${d.signedWith.version}`
    const signed = d.signedWith
      ? `, signed with ${secret}${d.signedWith.current ? ', the current secret' : ', an older secret'}`
      : ''
    row(
      table,
      '/health/session',
      `${d.status} (credential: ${d.credential ?? 'none'}${signed})`,
      d.status === 'valid' ? 'good' : 'bad',
    )
    for (const cause of d.causes) row(table, `cause ${cause.code}`, `${cause.message} Fix: ${cause.fix}`, 'bad')
  }
  const loaded = document.createElement('p')
  loaded.textContent = `Page loaded ${
    performance
      .getEntriesByType('navigation')
      .map((n) => (n as PerformanceNavigationTiming).type)
      .join('') === 'reload'
      ? 'by a reload'
      : 'by navigation'
  }; the last action survives reloads in sessionStorage.`
  root.replaceChildren(loaded, table)
  document.body.dataset.session = !state.sessionChecked ? 'unknown' : state.session ? 'present' : 'null'
}

function summarize(data: unknown): SessionSummary | null {
  const value = data as { user?: { id: string; email: string }; session?: { id: string } } | null
  if (!value?.user || !value.session) return null
  return { email: value.user.email, userId: value.user.id, sessionId: value.session.id }
}

async function act(
  name: string,
  call: () => Promise<{ data: unknown; error: { status: number; message?: string | undefined } | null }>,
): Promise<ActionResult> {
  let result: ActionResult
  try {
    const { data, error } = await call()
    const user = (data as { user?: { email?: string } } | null)?.user
    result = {
      ok: !error,
      status: error ? error.status : 200,
      error: error ? (error.message ?? 'error') : null,
      email: user?.email ?? null,
    }
  } catch (error) {
    // No readable response at all, e.g. the browser refused it for want of CORS.
    result = { ok: false, status: 0, error: String(error), email: null }
  }
  const lastAction = { name, ...result }
  sessionStorage.setItem(LAST_ACTION_KEY, JSON.stringify(lastAction))
  update({ lastAction })
  return result
}

async function getSession(): Promise<SessionSummary | null> {
  let session: SessionSummary | null = null
  let sessionError: string | null = null
  try {
    const { data, error } = await client.getSession()
    if (error) sessionError = `HTTP ${error.status} ${error.message ?? ''}`.trim()
    else session = summarize(data)
  } catch (error) {
    sessionError = String(error)
  }
  update({ session, sessionChecked: true, sessionError })
  return session
}

async function diagnose(): Promise<Diagnosis> {
  const diagnosis = await client.diagnose()
  update({ diagnosis })
  return diagnosis
}

async function refresh(): Promise<PageState> {
  await getSession()
  await diagnose()
  return state
}

/** The client exchanged `?ott=` (or read `?auth_error=`) when it was created; this records how that went. */
async function recordHandoff(): Promise<void> {
  const result = await client.handoff()
  if (result.status === 'none') return
  const handoff = result.status === 'signed-in' ? 'exchanged' : `failed: ${result.error.code}`
  sessionStorage.setItem(HANDOFF_KEY, handoff)
  update({ handoff })
}

async function probeThirdPartyCookies(probeOrigin: string): Promise<ThirdPartyCookieProbe> {
  await fetch(`${probeOrigin}/probe/set`, { credentials: 'include' })
  const response = await fetch(`${probeOrigin}/probe/read`, { credentials: 'include' })
  const { cookie } = (await response.json()) as { cookie: string }
  return {
    unpartitionedSent: /(^|;\s*)probe=1/.test(cookie),
    partitionedSent: /(^|;\s*)probe_partitioned=1/.test(cookie),
  }
}

const mail = mailForm(() => refresh())

async function start(): Promise<PageState> {
  // The "Sign in with …" link of docs/social-sign-in.md.
  document.getElementById('state')?.before(signInLink('oidc', 'Sign in with OIDC'), mail.element)
  render()
  await recordHandoff()
  update({ signInOutcome: await signInOutcome() })
  return refresh()
}

pageWindow.edgeAuth = {
  ready: start(),
  signUp: (email, password, name) => act('sign-up', () => client.signUp.email({ email, password, name })),
  signIn: (email, password) => act('sign-in', () => client.signIn.email({ email, password })),
  getSession,
  diagnose,
  refresh,
  state: () => state,
  mailResult: () => mail.last(),
  probeThirdPartyCookies,
}
