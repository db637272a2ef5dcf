/**
 * A minimal HTTP client for tests that keeps cookies like a browser tab would (name → value,
 * expired cookies removed) and sends a trusted Origin on every request.
 */
export class TestClient {
  readonly cookies = new Map<string, string>()
  private readonly baseUrl: string
  private readonly origin: string | null

  constructor(baseUrl: string, origin: string | null = 'http://localhost:3000') {
    this.baseUrl = baseUrl
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
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    })
    this.store(response)
    return response
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  private store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  signUp(email: string, password = 'correct horse battery', name = 'Test User') {
    return this.request('/api/auth/sign-up/email', { json: { email, password, name } })
  }

  signIn(email: string, password = 'correct horse battery') {
    return this.request('/api/auth/sign-in/email', { json: { email, password } })
  }

  async session(): Promise<{ user: { id: string; email: string }; session: { id: string } } | null> {
    const response = await this.request('/api/auth/get-session')
    if (response.status !== 200) throw new Error(`get-session answered ${response.status}`)
    return response.json()
  }
}

/** Parses one Set-Cookie line into its name, value and lower-cased attributes. */
export function parseSetCookie(line: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair = '', ...rest] = line.split(';')
  const eq = pair.indexOf('=')
  const attributes = new Map<string, string>()
  for (const attribute of rest) {
    const [key = '', ...value] = attribute.split('=')
    attributes.set(key.trim().toLowerCase(), value.join('=').trim())
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes }
}
