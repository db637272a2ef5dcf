/**
 * The doctor's checks: a running service examined from the outside, as a browser on the
 * frontend's origin would meet it. Each finding says what is wrong and how to fix it.
 */
import { isCrossSite } from '../cookies/site.ts'
import { parseSetCookie } from '../http/cookies.ts'
import { HEADERS } from '../http/headers.ts'

export interface Finding {
  readonly check: string
  readonly ok: boolean
  readonly message: string
  readonly fix?: string
}

export interface DoctorOptions {
  serviceUrl: string
  origin: string
  email?: string | undefined
  password?: string | undefined
  fetch?: typeof fetch
}

type Report = (finding: Finding) => void

function listHeader(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean)
}

async function checkCors(options: DoctorOptions, report: Report, doFetch: typeof fetch) {
  const preflight = await doFetch(`${options.serviceUrl}/api/auth/sign-in/email`, {
    method: 'OPTIONS',
    headers: {
      origin: options.origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,authorization',
    },
  })
  const allowOrigin = preflight.headers.get('access-control-allow-origin')
  if (allowOrigin !== options.origin) {
    report({
      check: 'preflight',
      ok: false,
      message: allowOrigin
        ? `the preflight allows ${allowOrigin}, not ${options.origin}`
        : `the preflight from ${options.origin} gets no Access-Control-Allow-Origin`,
      fix: `Add ${options.origin} to TRUSTED_ORIGINS.`,
    })
    return
  }
  report({ check: 'preflight', ok: true, message: `${options.origin} is allowed` })
  const credentials = preflight.headers.get('access-control-allow-credentials') === 'true'
  report(
    credentials
      ? { check: 'credentials', ok: true, message: 'Access-Control-Allow-Credentials: true' }
      : {
          check: 'credentials',
          ok: false,
          message: 'credentials are not allowed, so the browser drops the session cookie',
          fix: 'Serve CORS with credentials: true (edge-auth does when the origin is trusted).',
        },
  )
  const allowHeaders = listHeader(preflight.headers.get('access-control-allow-headers'))
  const missing = ['content-type', HEADERS.authorization].filter((h) => !allowHeaders.includes(h))
  report(
    missing.length === 0
      ? { check: 'allowed headers', ok: true, message: 'Content-Type and Authorization may be sent' }
      : {
          check: 'allowed headers',
          ok: false,
          message: `the preflight does not allow ${missing.join(', ')}`,
          fix: 'Allow Content-Type and Authorization in CORS.',
        },
  )

  const actual = await doFetch(`${options.serviceUrl}/api/auth/get-session`, { headers: { origin: options.origin } })
  const exposed = listHeader(actual.headers.get('access-control-expose-headers'))
  const notExposed = [HEADERS.sessionToken, HEADERS.jwt].filter((h) => !exposed.includes(h))
  report(
    notExposed.length === 0
      ? { check: 'exposed headers', ok: true, message: 'set-auth-token and set-auth-jwt are readable by the frontend' }
      : {
          check: 'exposed headers',
          ok: false,
          message: `the frontend cannot read ${notExposed.join(', ')}`,
          fix: 'Expose set-auth-token and set-auth-jwt (Access-Control-Expose-Headers).',
        },
  )
}

interface AuthHealth {
  status?: string
  baseURL?: string
  config?: { valid: boolean; problems: { variable: string; problem: string }[] }
  secret?: { present: boolean; length: number }
  database?: { reachable: boolean; error?: string; migrations: { pending: string[] } | null }
  cookies?: {
    mode: string
    name: string
    attributes: { sameSite: string; secure: boolean; partitioned: boolean; domain: string | null }
    modeSource?: 'auto' | 'COOKIE_MODE'
    warnings?: { code: string; message: string; fix: string }[]
  }
  jwt?: { signingKey: { undecryptable?: { keyId: string }[]; problem?: string } | null }
}

async function checkHealth(
  options: DoctorOptions,
  report: Report,
  doFetch: typeof fetch,
): Promise<AuthHealth | undefined> {
  const response = await doFetch(`${options.serviceUrl}/health/auth`)
  let health: AuthHealth
  try {
    health = (await response.json()) as AuthHealth
  } catch {
    report({
      check: '/health/auth',
      ok: false,
      message: `answered ${response.status} without JSON: is this an edge-auth service?`,
      fix: 'Point the doctor at the service origin.',
    })
    return undefined
  }
  for (const problem of health.config?.problems ?? []) {
    report({
      check: 'configuration',
      ok: false,
      message: `${problem.variable} ${problem.problem}`,
      fix: `Set ${problem.variable} correctly and redeploy.`,
    })
  }
  if (!health.secret?.present)
    report({
      check: 'secret',
      ok: false,
      message: 'no BETTER_AUTH_SECRET is set',
      fix: 'wrangler secret put BETTER_AUTH_SECRET (a random value of 32+ characters).',
    })
  else if (health.secret.length < 32)
    report({
      check: 'secret',
      ok: false,
      message: `the secret is only ${health.secret.length} characters`,
      fix: 'Use a random secret of at least 32 characters.',
    })
  else report({ check: 'secret', ok: true, message: `present, ${health.secret.length} characters` })
  if (health.database) {
    if (!health.database.reachable)
      report({
        check: 'database',
        ok: false,
        message: `unreachable (${health.database.error ?? 'no answer'})`,
        fix: 'Check DATABASE_URL and that the database is up.',
      })
    else if (health.database.migrations?.pending.length)
      report({
        check: 'database',
        ok: false,
        message: `migrations pending: ${health.database.migrations.pending.join(', ')}`,
        fix: 'Run npm run db:migrate against this DATABASE_URL.',
      })
    else report({ check: 'database', ok: true, message: 'reachable, migrations applied' })
  }
  const undecryptable = health.jwt?.signingKey?.undecryptable ?? []
  if (undecryptable.length > 0) {
    report({
      check: 'JWT signing key',
      ok: false,
      message: `live signing keys this deployment's secrets cannot decrypt: ${undecryptable.map((k) => k.keyId).join(', ')} (another deployment's secret, or a secret replaced without rotation)`,
      fix: health.jwt?.signingKey?.problem ?? 'Give every deployment on this database the same secrets.',
    })
  }
  if (health.baseURL && health.baseURL !== new URL(options.serviceUrl).origin) {
    report({
      check: 'BETTER_AUTH_URL',
      ok: false,
      message: `the service believes it is ${health.baseURL}, but was reached at ${new URL(options.serviceUrl).origin}`,
      fix: 'Set BETTER_AUTH_URL to the public origin of the service.',
    })
  }
  return health
}

function checkCookieMode(options: DoctorOptions, health: AuthHealth, report: Report) {
  if (!health.cookies) return
  // The service's own verdict over every trusted origin, not only the one the doctor plays.
  for (const warning of health.cookies.warnings ?? []) {
    report({ check: 'cookie policy', ok: false, message: warning.message, fix: warning.fix })
  }
  const frontend = new URL(options.origin)
  const crossSite = isCrossSite(options.origin, options.serviceUrl)
  const { attributes, mode } = health.cookies
  if (crossSite && attributes.sameSite !== 'None') {
    report({
      check: 'cookie mode',
      ok: false,
      message: `${options.origin} is on another site than the service, but the session cookie is SameSite=${attributes.sameSite}: the browser will never send it, and get-session returns null`,
      fix: `${health.cookies.modeSource === 'COOKIE_MODE' ? 'Remove COOKIE_MODE=same-site (edge-auth then uses SameSite=None; Secure; Partitioned), put' : `Add ${options.origin} to TRUSTED_ORIGINS (edge-auth then uses SameSite=None; Secure; Partitioned), or put`} both on one registrable domain, or use the bearer token.`,
    })
  } else if (crossSite && !attributes.partitioned) {
    report({
      check: 'cookie mode',
      ok: false,
      message: 'the cross-site cookie is not Partitioned, so browsers that block third-party cookies drop it',
      fix: "Use edge-auth's cross-site mode (COOKIE_MODE=auto).",
    })
  } else if (
    attributes.domain &&
    !(frontend.hostname === attributes.domain || frontend.hostname.endsWith(`.${attributes.domain}`))
  ) {
    report({
      check: 'cookie mode',
      ok: false,
      message: `the cookie Domain=${attributes.domain} does not cover ${frontend.hostname}`,
      fix: 'Set COOKIE_DOMAIN to a parent of both hosts, or unset it.',
    })
  } else {
    report({
      check: 'cookie mode',
      ok: true,
      message: `${mode}: ${crossSite ? 'cross-site' : 'same-site'} frontend, SameSite=${attributes.sameSite}${attributes.partitioned ? ', Partitioned' : ''}`,
    })
  }
}

async function checkSignIn(options: DoctorOptions, report: Report, doFetch: typeof fetch) {
  const response = await doFetch(`${options.serviceUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { origin: options.origin, 'content-type': 'application/json' },
    body: JSON.stringify({ email: options.email, password: options.password }),
  })
  if (!response.ok) {
    report({
      check: 'sign-in',
      ok: false,
      message: `sign-in answered ${response.status}`,
      fix: response.status === 403 ? `Add ${options.origin} to TRUSTED_ORIGINS.` : 'Check the email and password.',
    })
    return
  }
  const line = response.headers.getSetCookie().find((l) => l.includes('session_token='))
  const bearer = response.headers.get(HEADERS.sessionToken)
  if (!line) {
    report({
      check: 'sign-in cookie',
      ok: false,
      message: 'sign-in set no session cookie',
      fix: 'Check the service logs and /health/auth.',
    })
    return
  }
  const { name, attributes } = parseSetCookie(line)
  const crossSite = isCrossSite(options.origin, options.serviceUrl)
  const sameSite = (attributes.get('samesite') ?? 'lax').toLowerCase()
  const problems: string[] = []
  if (crossSite && sameSite !== 'none') problems.push(`SameSite=${sameSite} on a cross-site frontend`)
  if (crossSite && !attributes.has('partitioned')) problems.push('not Partitioned')
  if ((sameSite === 'none' || attributes.has('partitioned')) && !attributes.has('secure'))
    problems.push('SameSite=None without Secure')
  if (!attributes.has('httponly')) problems.push('not HttpOnly')
  report(
    problems.length === 0
      ? {
          check: 'sign-in cookie',
          ok: true,
          message: `${name}: SameSite=${sameSite}${attributes.has('partitioned') ? ', Partitioned' : ''}${attributes.has('secure') ? ', Secure' : ''}, HttpOnly`,
        }
      : {
          check: 'sign-in cookie',
          ok: false,
          message: `${name} is ${problems.join(', ')}`,
          fix: 'Let edge-auth derive the cookie mode (COOKIE_MODE=auto) from TRUSTED_ORIGINS.',
        },
  )
  report(
    bearer
      ? { check: 'bearer token', ok: true, message: 'set-auth-token is issued for the bearer fallback' }
      : {
          check: 'bearer token',
          ok: false,
          message: 'no set-auth-token header after sign-in',
          fix: 'Enable the bearer plugin.',
        },
  )

  const cookie = line.split(';')[0]!
  const session = await doFetch(`${options.serviceUrl}/health/session`, { headers: { origin: options.origin, cookie } })
  const diagnosis = (await session.json()) as { status: string; causes: { message: string; fix: string }[] }
  report(
    diagnosis.status === 'valid'
      ? { check: 'session', ok: true, message: 'the new session is valid' }
      : {
          check: 'session',
          ok: false,
          message: `the new session is ${diagnosis.status}: ${diagnosis.causes[0]?.message ?? ''}`,
          fix: diagnosis.causes[0]?.fix ?? '',
        },
  )
  await doFetch(`${options.serviceUrl}/api/auth/sign-out`, {
    method: 'POST',
    headers: { origin: options.origin, cookie, 'content-type': 'application/json' },
    body: '{}',
  })
}

/**
 * Runs every check and returns the findings in order.
 *
 * @example
 * const findings = await runDoctor({ serviceUrl: 'https://auth.example.com', origin: 'https://docs.example.com' })
 * const healthy = findings.every((f) => f.ok)
 */
export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  const findings: Finding[] = []
  const report: Report = (finding) => void findings.push(finding)
  const doFetch = options.fetch ?? fetch
  try {
    const live = await doFetch(`${options.serviceUrl}/health`)
    if (!live.ok) throw new Error(`GET /health answered ${live.status}`)
  } catch (error) {
    report({
      check: 'reachable',
      ok: false,
      message: `${options.serviceUrl} is not reachable: ${(error as Error).message}`,
      fix: 'Check the URL and that the service is deployed.',
    })
    return findings
  }
  report({ check: 'reachable', ok: true, message: `${options.serviceUrl} answers` })
  await checkCors(options, report, doFetch)
  const health = await checkHealth(options, report, doFetch)
  if (health) checkCookieMode(options, health, report)
  if (options.email && options.password) await checkSignIn(options, report, doFetch)
  return findings
}
