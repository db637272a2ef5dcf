/** The doctor's reading of `/health/auth`: configuration, secret, database, signing keys, BETTER_AUTH_URL. */
import type { DoctorOptions, Report } from './report.ts'

export interface AuthHealth {
  status?: string
  level?: 'anonymous' | 'full'
  baseURL?: string
  config?: { valid: boolean; problems: { variable: string; problem: string }[] }
  secret?: { present: boolean; length: number }
  /** The anonymous level has no `error` and no `migrations`. */
  database?: { reachable: boolean; error?: string; migrations?: { pending: string[] } | null } | null
  /** The anonymous level has the mode only. */
  cookies?: {
    mode: string
    name?: string
    attributes?: { sameSite: string; secure: boolean; partitioned: boolean; domain: string | null }
    modeSource?: 'auto' | 'COOKIE_MODE'
    warnings?: { code: string; message: string; fix: string }[]
  }
  providers?: { enabled: { id: string; redirectURI: string; issuer?: string }[] }
  jwt?: { signingKey: { undecryptable?: { keyId: string }[]; problem?: string } | null }
  mail?: {
    transport: string | null
    emailVerification: string
    emailVerificationSource: string
    deliveries: { sent: number; failed: number } | null
  }
}

function checkMail(mail: NonNullable<AuthHealth['mail']>, report: Report): void {
  const mode = `email verification ${mail.emailVerification} (${mail.emailVerificationSource}), mail by ${mail.transport ?? 'nothing'}`
  if (mail.deliveries && mail.deliveries.failed > 0)
    report({
      check: 'mail',
      ok: false,
      message: `${mode}: ${mail.deliveries.failed} message(s) failed in this isolate, ${mail.deliveries.sent} sent`,
      fix: 'Check SMTP_URL or RESEND_API_KEY and MAIL_FROM; the log has a mail_failed line for each.',
    })
  else report({ check: 'mail', ok: true, message: mode })
}

async function readHealth(
  options: DoctorOptions,
  report: Report,
  doFetch: typeof fetch,
): Promise<AuthHealth | undefined> {
  const headers: Record<string, string> = options.healthToken ? { authorization: `Bearer ${options.healthToken}` } : {}
  const response = await doFetch(`${options.serviceUrl}/health/auth`, { headers })
  if (response.status === 401 && options.healthToken) {
    report({
      check: '/health/auth',
      ok: false,
      message: 'the service refused --health-token',
      fix: "Pass the deployment's HEALTH_TOKEN exactly, or leave --health-token out for the anonymous level.",
    })
    return undefined
  }
  try {
    return (await response.json()) as AuthHealth
  } catch {
    report({
      check: '/health/auth',
      ok: false,
      message: `answered ${response.status} without JSON: is this an edge-auth service?`,
      fix: 'Point the doctor at the service origin.',
    })
    return undefined
  }
}

function checkAnonymousLevel(health: AuthHealth, report: Report): void {
  if (health.level !== 'anonymous') return
  report({
    check: '/health/auth',
    ok: true,
    message: `anonymous level only (status ${health.status}, secret length, database reachability, cookie mode): configuration problems, migrations, signing keys, cookie attributes and BETTER_AUTH_URL were not checked; pass --health-token to check them`,
  })
  if (health.status !== 'ok')
    report({
      check: '/health/auth',
      ok: false,
      message: 'the service reports itself unhealthy',
      fix: 'Run the doctor with --health-token to see why.',
    })
}

function checkSecret(secret: AuthHealth['secret'], report: Report): void {
  if (!secret?.present)
    report({
      check: 'secret',
      ok: false,
      message: 'no BETTER_AUTH_SECRET is set',
      fix: 'wrangler secret put BETTER_AUTH_SECRET (a random value of 32+ characters).',
    })
  else if (secret.length < 32)
    report({
      check: 'secret',
      ok: false,
      message: `the secret is only ${secret.length} characters`,
      fix: 'Use a random secret of at least 32 characters.',
    })
  else report({ check: 'secret', ok: true, message: `present, ${secret.length} characters` })
}

function checkDatabase(database: NonNullable<AuthHealth['database']>, report: Report): void {
  if (!database.reachable)
    report({
      check: 'database',
      ok: false,
      message: `unreachable (${database.error ?? 'no answer'})`,
      fix: 'Check DATABASE_URL and that the database is up.',
    })
  else if (database.migrations?.pending.length)
    report({
      check: 'database',
      ok: false,
      message: `migrations pending: ${database.migrations.pending.join(', ')}`,
      fix: 'Run npm run db:migrate against this DATABASE_URL.',
    })
  else if (database.migrations === undefined)
    report({ check: 'database', ok: true, message: 'reachable (migrations not checked at the anonymous level)' })
  else report({ check: 'database', ok: true, message: 'reachable, migrations applied' })
}

function checkSigningKeys(signingKey: NonNullable<AuthHealth['jwt']>['signingKey'] | undefined, report: Report): void {
  const undecryptable = signingKey?.undecryptable ?? []
  if (undecryptable.length === 0) return
  report({
    check: 'JWT signing key',
    ok: false,
    message: `live signing keys this deployment's secrets cannot decrypt: ${undecryptable.map((k) => k.keyId).join(', ')} (another deployment's secret, or a secret replaced without rotation)`,
    fix: signingKey?.problem ?? 'Give every deployment on this database the same secrets.',
  })
}

export async function checkHealth(
  options: DoctorOptions,
  report: Report,
  doFetch: typeof fetch,
): Promise<AuthHealth | undefined> {
  const health = await readHealth(options, report, doFetch)
  if (!health) return undefined
  checkAnonymousLevel(health, report)
  for (const problem of health.config?.problems ?? []) {
    report({
      check: 'configuration',
      ok: false,
      message: `${problem.variable} ${problem.problem}`,
      fix: `Set ${problem.variable} correctly and redeploy.`,
    })
  }
  checkSecret(health.secret, report)
  if (health.database) checkDatabase(health.database, report)
  checkSigningKeys(health.jwt?.signingKey, report)
  if (health.mail) checkMail(health.mail, report)
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
