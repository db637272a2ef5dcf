/**
 * The browser client's transport: every request with `credentials: 'include'`, and the bearer token
 * as a fallback for when the cookie does not arrive, kept in step with the cookie.
 *
 * BetterAuth's bearer plugin lets an `Authorization` header win over the cookie, so a stale token
 * (signed out elsewhere, revoked, another user's) next to a valid cookie would turn get-session
 * null. Hence the cookie goes first:
 *
 * - get-session is asked with the cookie alone. A session: the cookie works; a stored token naming
 *   another session is dropped. Null with a token stored: asked again with the token; a session
 *   then means the cookie does not arrive here (blocked, another partition), so the token is sent
 *   from then on; null again means the token is dead too, and it is dropped.
 * - Other requests carry the token unless the cookie is known to work.
 * - Every `set-auth-token` in a response is stored; a successful sign-out drops the token.
 */
import { HEADERS } from '../http/headers.ts'
import type { TokenStore } from './token-store.ts'

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** How the session reaches the service, as far as this page has seen. */
export type Transport = 'unknown' | 'cookie' | 'bearer'

export interface SessionFetchOptions {
  /** The fetch to send with (resolved per request, so nothing is read at import). */
  readonly fetch: () => FetchLike
  readonly store: TokenStore
  /** What a request to `path` waits for first (the hand-off's exchange), if anything; never rejects. */
  readonly wait?: (path: string) => Promise<unknown> | undefined
}

export interface SessionFetch {
  readonly fetch: FetchLike
  transport(): Transport
}

const GET_SESSION = '/get-session'
const SIGN_OUT = '/sign-out'

/** The raw session token inside a stored bearer token (`<token>.<signature>`, maybe URL-encoded). */
function sessionTokenOf(bearer: string): string {
  let decoded = bearer
  try {
    decoded = decodeURIComponent(bearer)
  } catch {}
  return decoded.split('.')[0] ?? ''
}

async function sessionIn(response: Response): Promise<{ session?: { token?: string } } | null> {
  if (!response.ok) return null
  try {
    return (await response.clone().json()) as { session?: { token?: string } } | null
  } catch {
    return null
  }
}

/**
 * @example
 * const { fetch } = createSessionFetch({ fetch: () => globalThis.fetch, store })
 * createAuthClient({ baseURL, fetchOptions: { customFetchImpl: fetch } })
 */
export function createSessionFetch(options: SessionFetchOptions): SessionFetch {
  const { store } = options
  let transport: Transport = 'unknown'

  async function send(input: string | URL | Request, init: RequestInit, bearer: string | null): Promise<Response> {
    const headers = new Headers(typeof input === 'object' && 'headers' in input ? input.headers : undefined)
    for (const [name, value] of new Headers(init.headers)) headers.set(name, value)
    if (bearer) headers.set(HEADERS.authorization, `Bearer ${bearer}`)
    else headers.delete(HEADERS.authorization)
    const response = await options.fetch()(input, { ...init, headers, credentials: 'include' })
    const issued = response.headers.get(HEADERS.sessionToken)
    if (issued) store.set(issued)
    return response
  }

  async function getSession(input: string | URL | Request, init: RequestInit): Promise<Response> {
    const token = store.get()
    if (transport === 'bearer' && token) {
      const response = await send(input, init, token)
      if ((await sessionIn(response)) || !response.ok) return response
      store.clear()
      transport = 'unknown'
      return getSession(input, init)
    }
    const response = await send(input, init, null)
    if (!response.ok) return response
    const data = await sessionIn(response)
    const stored = store.get()
    if (data) {
      transport = 'cookie'
      const current = data.session?.token
      if (stored && current && sessionTokenOf(stored) !== current) store.clear()
      return response
    }
    if (!stored) return response
    const retried = await send(input, init, stored)
    if (await sessionIn(retried)) {
      transport = 'bearer'
      return retried
    }
    if (retried.ok) store.clear()
    return retried
  }

  async function sessionFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const href = typeof input === 'object' && 'url' in input ? input.url : String(input)
    const path = new URL(href, 'http://relative.invalid').pathname
    await options.wait?.(path)
    if (new Headers(init.headers).has(HEADERS.authorization)) {
      return options.fetch()(input, { ...init, credentials: 'include' }) // the caller's own credential
    }
    if (path.endsWith(GET_SESSION)) return getSession(input, init)
    const response = await send(input, init, transport === 'cookie' ? null : store.get())
    if (path.endsWith(SIGN_OUT) && response.ok) {
      store.clear()
      transport = 'unknown'
    }
    return response
  }

  return { fetch: sessionFetch, transport: () => transport }
}
