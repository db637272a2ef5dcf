/**
 * `fetch` as a page on another origin sees it, for running `edge-auth/client` in Node against the
 * app in-process: the rules of the Fetch standard that decide what the client can do, applied to
 * the service's real responses.
 *
 * - `Origin` on every request; a preflight (OPTIONS) before a request that is not "simple"
 *   (an `Authorization` header, a JSON body, a method other than GET/HEAD/POST), refused unless the
 *   service allows the origin, the method, the headers and (with credentials) credentials;
 * - the response refused (a `TypeError`, as browsers throw) without a matching
 *   `Access-Control-Allow-Origin`, and with credentials also without `Access-Control-Allow-Credentials: true`
 *   or with `*`;
 * - response headers hidden unless CORS-safelisted or in `Access-Control-Expose-Headers`;
 * - cookies kept in a jar (name → value) and sent with `credentials: 'include'`, unless the page
 *   is set up to lose them (`cookies: false`, third-party cookies blocked without partitioning).
 *
 * The Chromium tests (test/browser) check the same client in a real browser.
 */

import type { FetchLike } from '../../src/client/index.ts'
import { parseSetCookie } from '../../src/http/cookies.ts'

const SAFELISTED_RESPONSE_HEADERS = [
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']

export interface PageFetchOptions {
  /** The page's origin, e.g. `http://localhost:3000`. */
  readonly origin: string
  /** Sends a request to the service: a path with its query, and the request as the service receives it. */
  readonly send: (pathAndQuery: string, init: RequestInit) => Promise<Response>
  /** Whether the browser keeps the service's cookies for this page (default true). */
  readonly cookies?: boolean
}

export interface PageFetch {
  readonly fetch: FetchLike
  readonly jar: Map<string, string>
  /** Every request the page sent (preflights included), as `METHOD path` plus whether it carried a bearer. */
  readonly sent: { method: string; path: string; bearer: boolean; cookie: boolean }[]
}

function refused(reason: string): TypeError {
  return new TypeError(`Failed to fetch (CORS: ${reason})`)
}

function listOf(header: string | null): string[] {
  return (header ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean)
}

function corsAllows(response: Response, origin: string, credentials: boolean): string | null {
  const allowOrigin = response.headers.get('access-control-allow-origin')
  if (credentials) {
    if (allowOrigin !== origin) return `Access-Control-Allow-Origin is ${allowOrigin ?? 'absent'}`
    if (response.headers.get('access-control-allow-credentials') !== 'true')
      return 'no Access-Control-Allow-Credentials'
    return null
  }
  return allowOrigin === '*' || allowOrigin === origin
    ? null
    : `Access-Control-Allow-Origin is ${allowOrigin ?? 'absent'}`
}

/**
 * @example
 * const page = pageFetch({ origin: 'http://localhost:3000', send: (path, init) => service.request(path, init) })
 * createEdgeAuthClient({ baseURL: 'http://localhost:8787', fetch: page.fetch })
 */
export function pageFetch(options: PageFetchOptions): PageFetch {
  const jar = new Map<string, string>()
  const sent: PageFetch['sent'] = []
  const keepCookies = options.cookies ?? true

  async function send(url: URL, init: RequestInit, headers: Headers): Promise<Response> {
    const path = `${url.pathname}${url.search}`
    sent.push({
      method: init.method ?? 'GET',
      path: url.pathname,
      bearer: headers.has('authorization'),
      cookie: headers.has('cookie'),
    })
    return options.send(path, { ...init, headers, redirect: 'manual' })
  }

  async function pageFetchImpl(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = new URL(typeof input === 'object' && 'url' in input ? input.url : String(input))
    const method = (init.method ?? 'GET').toUpperCase()
    const credentials = (init.credentials ?? 'same-origin') === 'include'
    const headers = new Headers(init.headers)
    const requested = [...headers.keys()].filter(
      (name) =>
        name !== 'content-type' ||
        !SIMPLE_CONTENT_TYPES.includes(headers.get(name)!.split(';')[0]!.trim().toLowerCase()),
    )
    if (!['GET', 'HEAD', 'POST'].includes(method) || requested.length > 0) {
      const preflight = await send(
        url,
        { method: 'OPTIONS' },
        new Headers({
          origin: options.origin,
          'access-control-request-method': method,
          ...(requested.length > 0 ? { 'access-control-request-headers': requested.join(',') } : {}),
        }),
      )
      const problem = corsAllows(preflight, options.origin, credentials)
      if (problem) throw refused(`preflight: ${problem}`)
      const methods = listOf(preflight.headers.get('access-control-allow-methods'))
      if (!['GET', 'HEAD', 'POST'].includes(method) && !methods.includes(method.toLowerCase())) {
        throw refused(`preflight does not allow ${method}`)
      }
      const allowed = listOf(preflight.headers.get('access-control-allow-headers'))
      const missing = requested.filter((name) => !allowed.includes(name))
      if (missing.length > 0) throw refused(`preflight does not allow ${missing.join(', ')}`)
    }

    headers.set('origin', options.origin)
    if (credentials && keepCookies && jar.size > 0) {
      headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '))
    }
    const response = await send(url, { ...init, method }, headers)
    if (credentials && keepCookies) {
      for (const line of response.headers.getSetCookie()) {
        const { name, value, attributes } = parseSetCookie(line)
        if (value === '' || attributes.get('max-age') === '0') jar.delete(name)
        else jar.set(name, value)
      }
    }
    const problem = corsAllows(response, options.origin, credentials)
    if (problem) throw refused(problem)
    const exposed = new Set([
      ...SAFELISTED_RESPONSE_HEADERS,
      ...listOf(response.headers.get('access-control-expose-headers')),
    ])
    const visible = new Headers()
    response.headers.forEach((value, name) => {
      if (exposed.has(name)) visible.set(name, value)
    })
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers: visible })
  }

  return { fetch: pageFetchImpl, jar, sent }
}
