/**
 * The frontend of the browser tests, bundled by esbuild and loaded by the test page. It signs
 * in through BetterAuth's official browser client against the auth service on another origin,
 * exposes its actions on `window.edgeAuth`, and shows the state on the page.
 */
import { createAuthClient } from 'better-auth/client'
import { oneTimeTokenClient } from 'better-auth/client/plugins'
import type {
  ActionResult,
  Diagnosis,
  PageApi,
  PageConfig,
  PageState,
  SessionSummary,
  ThirdPartyCookieProbe,
} from './api.ts'

const BEARER_KEY = 'edge-auth:bearer'
const LAST_ACTION_KEY = 'edge-auth:last-action'
const HANDOFF_KEY = 'edge-auth:handoff'
const pageWindow = window as unknown as Window & { EDGE_AUTH_PAGE: PageConfig; edgeAuth: PageApi }
const config = pageWindow.EDGE_AUTH_PAGE
const bearer = config.transport === 'bearer'

const client = createAuthClient({
  baseURL: config.serviceOrigin,
  plugins: [oneTimeTokenClient()],
  fetchOptions: bearer
    ? {
        // Only the token carries the session: the browser neither sends nor stores cookies.
        credentials: 'omit',
        auth: { type: 'Bearer', token: () => localStorage.getItem(BEARER_KEY) ?? '' },
        onSuccess: (ctx) => {
          const token = ctx.response.headers.get('set-auth-token')
          if (token) localStorage.setItem(BEARER_KEY, token)
        },
      }
    : { credentials: 'include' },
})

let state: PageState = {
  mode: config.mode,
  transport: config.transport,
  pageOrigin: location.origin,
  serviceOrigin: config.serviceOrigin,
  session: null,
  sessionChecked: false,
  diagnosis: null,
  lastAction: JSON.parse(sessionStorage.getItem(LAST_ACTION_KEY) ?? 'null') as PageState['lastAction'],
  handoff: null,
  bearerStored: bearer && localStorage.getItem(BEARER_KEY) !== null,
}

function update(changes: Partial<PageState>): PageState {
  state = { ...state, ...changes, bearerStored: bearer && localStorage.getItem(BEARER_KEY) !== null }
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
  row(table, 'Transport', bearer ? 'Authorization: Bearer (stored set-auth-token)' : 'cookies (credentials: "include")')
  if (bearer) row(table, 'Bearer token stored', state.bearerStored ? 'yes' : 'no', state.bearerStored ? 'good' : 'bad')
  if (state.lastAction) {
    const a = state.lastAction
    row(
      table,
      'Last action',
      `${a.name}: HTTP ${a.status}${a.email ? ` (${a.email})` : ''}${a.error ? ` - ${a.error}` : ''}`,
      a.ok ? 'good' : 'bad',
    )
  }
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
  const { data, error } = await call()
  const user = (data as { user?: { email?: string } } | null)?.user
  const result: ActionResult = {
    ok: !error,
    status: error ? error.status : 200,
    error: error ? (error.message ?? 'error') : null,
    email: user?.email ?? null,
  }
  const lastAction = { name, ...result }
  sessionStorage.setItem(LAST_ACTION_KEY, JSON.stringify(lastAction))
  update({ lastAction })
  return result
}

async function getSession(): Promise<SessionSummary | null> {
  const { data, error } = await client.getSession()
  if (error) throw new Error(`get-session failed: ${error.status} ${error.message ?? ''}`)
  const session = summarize(data)
  update({ session, sessionChecked: true })
  return session
}

async function diagnose(): Promise<Diagnosis> {
  const headers: Record<string, string> = {}
  const token = localStorage.getItem(BEARER_KEY)
  if (bearer && token) headers.authorization = `Bearer ${token}`
  const response = await fetch(`${config.serviceOrigin}/health/session`, {
    credentials: bearer ? 'omit' : 'include',
    headers,
  })
  const diagnosis: Diagnosis = {
    httpStatus: response.status,
    ...((await response.json()) as Omit<Diagnosis, 'httpStatus'>),
  }
  update({ diagnosis })
  return diagnosis
}

async function refresh(): Promise<PageState> {
  await getSession()
  await diagnose()
  return state
}

async function exchangeHandoff(): Promise<void> {
  const url = new URL(location.href)
  const token = url.searchParams.get('ott')
  const failure = url.searchParams.get('auth_error')
  if (!token && !failure) return
  url.searchParams.delete('ott')
  url.searchParams.delete('auth_error')
  // The token is single-use; keep it out of history and out of a reload.
  history.replaceState(null, '', url)
  let handoff = `failed: ${failure}`
  if (!failure) {
    const { error } = await client.oneTimeToken.verify({ token: token! })
    handoff = error ? `failed: HTTP ${error.status} ${error.message ?? ''}` : 'exchanged'
  }
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

async function start(): Promise<PageState> {
  render()
  await exchangeHandoff()
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
  probeThirdPartyCookies,
}
