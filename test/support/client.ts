import { parseSetCookie } from '../../src/http/cookies.ts'
import { rememberSecret } from './log-capture.ts'

/** A cookie value as sent, decoded, and its token without the signature: each must stay out of the logs. */
function rememberCookie(value: string) {
  rememberSecret('cookie value', value)
  let decoded = value
  try {
    decoded = decodeURIComponent(value)
  } catch {}
  rememberSecret('cookie value', decoded)
  rememberSecret('session token', decoded.split('.')[0])
}

/** How a client's requests reach the service: `TestService.request` (service.ts). */
export type SendRequest = (path: string, init: RequestInit) => Promise<Response>

/**
 * A minimal HTTP client for tests that keeps cookies like a browser tab would (name → value,
 * expired cookies removed) and sends a trusted Origin on every request. Made by `TestService.client`.
 */
export class TestClient {
  readonly cookies = new Map<string, string>()
  private readonly send: SendRequest
  private readonly origin: string | null

  constructor(send: SendRequest, origin: string | null = 'http://localhost:3000') {
    this.send = send
    this.origin = origin
  }

  async request(
    path: string,
    init: { method?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.origin && !headers.has('origin')) headers.set('origin', this.origin)
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader())
    let body = init.body
    if (init.json !== undefined) {
      body = JSON.stringify(init.json)
      headers.set('content-type', 'application/json')
    }
    const response = await this.send(path, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    })
    this.store(response)
    return response
  }

  /**
   * Drops the session cache cookie (`SESSION_CACHE_TTL`), as its expiry would: the next session
   * check reads the database. For tests of what another device's revocation does once the cache
   * has lapsed; session-cache.test.ts covers the window itself.
   */
  forgetSessionCache(): void {
    for (const name of [...this.cookies.keys()]) if (name.endsWith('.session_data')) this.cookies.delete(name)
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  private store(response: Response) {
    rememberSecret('session token', response.headers.get('set-auth-token'))
    for (const line of response.headers.getSetCookie()) {
      const { name, value, attributes } = parseSetCookie(line)
      rememberCookie(value)
      if (value === '' || attributes.get('max-age') === '0') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  signUp(email: string, password = 'correct horse battery', name = 'Test User') {
    rememberSecret('password', password)
    return this.request('/api/auth/sign-up/email', { json: { email, password, name } })
  }

  signIn(email: string, password = 'correct horse battery') {
    rememberSecret('password', password)
    return this.request('/api/auth/sign-in/email', { json: { email, password } })
  }

  async session(): Promise<{ user: { id: string; email: string }; session: { id: string } } | null> {
    const response = await this.request('/api/auth/get-session')
    if (response.status !== 200) throw new Error(`get-session answered ${response.status}`)
    return response.json()
  }
}
