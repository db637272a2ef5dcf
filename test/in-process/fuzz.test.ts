/**
 * Property-based fuzz over every public route (read from the app: test/support/public-routes.ts),
 * in-process on PGlite: odd paths, query strings, Origin, forged and junk cookies,
 * junk bearers and JWT shapes, Content-Types and bodies (see test/support/fuzz-requests.ts).
 * Every answer is below 500; every error is JSON in the house shape `{code, message}`; no response
 * gives back a secret the request carried (a junk or forged cookie, a bearer token, a password).
 *
 * `npm test` runs a fixed seed with few cases on PGlite, so a run is the same every time. `npm run
 * fuzz` is the full fuzz: FUZZ_RUNS cases (default 1,200) from a fresh seed on every backend, and
 * every route must be hit. FUZZ_SEED (and FUZZ_PATH, both printed by fast-check on a failure)
 * replays a run.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { backendNames, embeddedBackendNames } from '../support/backends.ts'
import { buildRequest } from '../support/fuzz-build.ts'
import { type FuzzCredentials, type FuzzRequest, fuzzRequest } from '../support/fuzz-requests.ts'
import { publicRoutes } from '../support/public-routes.ts'
import { type TestService, uniqueEmail, useService } from '../support/service.ts'

// scripts/fuzz.ts sets FUZZ_RUNS.
const FULL = process.env.FUZZ_RUNS !== undefined
const RUNS = FULL ? Number(process.env.FUZZ_RUNS) : 150
const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : FULL
    ? Date.now() ^ (Math.random() * 0x100000000)
    : 20261207
const PATH = process.env.FUZZ_PATH
const PASSWORD = 'fuzz password 1'
const REISSUED = new Set(['set-cookie', 'set-auth-token', 'set-auth-jwt'])
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * The signed-in user whose cookie, bearer token, JWT and ids the fuzz sends. A case that may have
 * signed it out, revoked its session or changed its password marks it stale; the next case checks
 * it and signs in again (or up, as a new user) when it no longer works.
 */
class FuzzSession {
  private credentials: FuzzCredentials | undefined
  private stale = false
  private readonly service: TestService

  constructor(service: TestService) {
    this.service = service
  }

  markStale() {
    this.stale = true
  }

  async current(): Promise<FuzzCredentials> {
    if (this.credentials && this.stale) {
      const { cookieName, cookieValue } = this.credentials
      const check = await this.service.request('/api/auth/get-session', {
        headers: { cookie: `${cookieName}=${cookieValue}` },
      })
      if ((await check.json()) === null) this.credentials = await this.signIn(this.credentials.email)
    }
    this.stale = false
    this.credentials ??= await this.signIn(undefined)
    return this.credentials
  }

  private async signIn(email: string | undefined): Promise<FuzzCredentials> {
    const client = this.service.client()
    let response = email ? await client.signIn(email, PASSWORD) : undefined
    if (!response?.ok) {
      email = uniqueEmail('fuzz')
      response = await client.signUp(email, PASSWORD)
    }
    if (!response.ok || !email) throw new Error(`the fuzz user could not sign in: ${response.status}`)
    const [cookieName, cookieValue] = [...client.cookies].find(([name]) => name.endsWith('session_token'))!
    const session = (await client.session())!
    const { token: jwt } = await (await client.request('/api/auth/token')).json()
    return {
      userId: session.user.id,
      sessionId: session.session.id,
      email,
      password: PASSWORD,
      cookieName,
      cookieValue,
      bearer: response.headers.get('set-auth-token')!,
      jwt,
    }
  }
}

function describeRequest(request: FuzzRequest, path: string): string {
  return `${request.method} ${path.slice(0, 300)} (route ${request.route.method} ${request.route.path})`
}

/** The service's log lines (kept out of the test output), to search for the secrets sent. */
function captureLog(): string[] {
  const lines: string[] = []
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(' '))
    })
  }
  return lines
}

/**
 * What answers before the pages do, as JSON: a Cookie or Authorization header with bytes outside
 * printable ASCII (refused first of all, in app.ts).
 */
function answeredBeforePages(text: string): boolean {
  return text.includes('"INVALID_CREDENTIAL_HEADER"')
}
const HOSTED_PAGE = /^\/(sign-in|sign-up|verified|forgot-password|reset-password|account|sign-out)(\/|$)/

describe.each(FULL ? backendNames : embeddedBackendNames)('fuzz on %s', (backendName) => {
  const running = useService(backendName, {}, { target: 'in-process' })
  afterEach(() => vi.restoreAllMocks())

  it(`answers ${RUNS} fuzzed requests over every public route: no 5xx, every error {code, message}, no secret echoed`, async () => {
    const map = publicRoutes(running.service.bindings)
    const session = new FuzzSession(running.service)
    const statuses = new Map<number, number>()
    const routesHit = new Set<string>()
    let cases = 0
    console.log(`fuzz on ${backendName}: seed ${SEED}, ${RUNS} runs, ${map.routes.length} routes`)
    const log = captureLog()

    await fc.assert(
      fc.asyncProperty(fuzzRequest(map), async (request) => {
        const { path, init, secrets } = buildRequest(request, await session.current())
        const logged = log.length
        const response = await running.service.request(path, init)
        const text = await response.text()
        await running.service.settle()
        const where = describeRequest(request, path)
        cases += 1
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        routesHit.add(`${request.route.method} ${request.route.path}`)
        if (STATE_CHANGING.has(request.method) && response.status < 400) session.markStale()

        expect(response.status, `${where} answered ${response.status}: ${text.slice(0, 300)}`).toBeLessThan(500)
        if (
          response.status >= 400 &&
          // The path as it arrives (a URL resolves `..`), not the route the case was drawn for.
          HOSTED_PAGE.test(URL.parse(path, 'http://service')?.pathname ?? path) &&
          !answeredBeforePages(text)
        ) {
          // The hosted pages answer a person: an HTML page that says what went wrong, never JSON.
          expect(response.headers.get('content-type'), `${where}: ${response.status} not HTML`).toMatch(/^text\/html/)
          if (request.method !== 'HEAD') expect(text, `${where}: ${text.slice(0, 300)}`).toContain('role="alert"')
        } else if (response.status >= 400) {
          expect(response.headers.get('content-type'), `${where}: ${response.status} not JSON`).toMatch(
            /^application\/json/,
          )
          if (request.method !== 'HEAD') {
            const error = JSON.parse(text)
            expect(typeof error?.code, `${where}: ${text.slice(0, 300)}`).toBe('string')
            expect(typeof error?.message, `${where}: ${text.slice(0, 300)}`).toBe('string')
          }
        }
        for (const secret of secrets) {
          // The user's own credentials come back re-issued (a refreshed cookie, the same JWT within
          // a second), never in an error.
          if (!secret.own || response.status >= 400)
            expect(text.includes(secret.value), `${where}: the body gives back a secret it was sent`).toBe(false)
          for (const [name, value] of response.headers) {
            if (secret.own && REISSUED.has(name)) continue
            expect(value.includes(secret.value), `${where}: header ${name} gives back a secret`).toBe(false)
          }
          const leaked = log.slice(logged).find((line) => line.includes(secret.value))
          expect(leaked, `${where}: a log line holds a secret the request carried`).toBeUndefined()
        }
      }),
      { numRuns: RUNS, seed: SEED, path: PATH },
    )

    vi.restoreAllMocks()
    const byStatus = [...statuses].sort(([a], [b]) => a - b)
    console.log(
      `fuzz on ${backendName}: ${cases} cases, ${routesHit.size} routes and mounts hit of ${map.routes.length} routes, ` +
        `statuses ${JSON.stringify(Object.fromEntries(byStatus))}, ${log.length} log lines`,
    )
    expect(cases).toBeGreaterThanOrEqual(RUNS)
    // Each route is picked with probability ~1/50 per case: from 1,000 cases on, chance misses any
    // of them with probability below 1e-7, so a route left out is a defect of the fuzz.
    if (RUNS >= 1000) {
      const missed = map.routes.filter((route) => !routesHit.has(`${route.method} ${route.path}`))
      expect(missed).toEqual([])
    }
    // The fuzz must reach past the front door: successes and refusals both.
    expect(byStatus.some(([status]) => status < 300)).toBe(true)
    expect(byStatus.some(([status]) => status === 401)).toBe(true)
  }, 600_000)
})
