/**
 * The per-isolate service context: everything built once from one environment (configuration,
 * database client, BetterAuth instance, signers, key sets, fingerprints) and shared by every
 * request of the isolate. Nothing in it belongs to a request. It is the only cache of the service:
 * modules build from what it hands them instead of keeping their own.
 *
 * `createContextResolver` keeps one context per environment object (the Worker's `env` and
 * `process.env` keep their identity across requests), so a new environment (another config) gets a
 * new context and nothing of the old one leaks into it.
 */
import { type Auth, buildAuth } from './auth/index.ts'
import type { EnvBindings } from './config/env.ts'
import { type Config, type ConfigProblem, parseConfig } from './config/index.ts'
import { secretFingerprint } from './config/secrets.ts'
import { type RequestCredentials, readCredentials } from './credentials/request-credential.ts'
import { createTokenSigner, type TokenSigner } from './credentials/signed-token.ts'
import { createDatabaseClient, type DatabaseClient } from './database/index.ts'
import { type AuthEventLog, createAuthEventLog } from './event-log.ts'
import type { CookieSpec } from './http/cookies.ts'
import { edgeGate } from './limits/edge-gate.ts'
import { createLimits, type LimitService } from './limits/index.ts'
import { logEvent } from './logging.ts'
import { createServiceMailer, mailTransportProblem } from './mail/index.ts'
import type { Mailer } from './mail/mailer.ts'
import type { Platform } from './platform/index.ts'
import { createNullSessionLogger } from './plugins/null-session-report.ts'
import { createFastSession, type FastSession } from './session-cache/fast-session.ts'
import { expiredSessionCookies } from './session-cache/revocation.ts'
import { createSessionDiagnosis, type SessionDiagnosis } from './session-diagnosis.ts'
import { publishedKeySet } from './tokens/published-keys.ts'

export interface ServiceContext {
  readonly config: Config
  readonly database: DatabaseClient
  readonly auth: Auth
  /** Verifies session tokens under every known secret; signs with the current one. */
  readonly signer: TokenSigner
  /** The session cookie's name and attributes, as BetterAuth derived them from the configuration. */
  readonly sessionCookie: Promise<CookieSpec>
  /** The names and attributes of BetterAuth's cookies (session, session cache, don't-remember). */
  readonly authCookies: Promise<AuthCookies>
  /** "Why is my session null?" for a request's headers and credential (read from the headers when not given). */
  diagnoseSession(headers: Headers, credentials?: RequestCredentials): Promise<SessionDiagnosis>
  /** The client's address as the platform vouches for it (TRUST_PROXY applied); undefined when unknown. */
  clientAddress(request: Request): string | undefined
  /** Rate limits and sign-in throttling shared through the database (limits/). */
  readonly limits: LimitService
  /** The service's own published JWKS, for verifying its JWTs in-process. */
  readonly publishedKeys: ReturnType<typeof publishedKeySet>
  /** Fingerprints of the known secrets, current first (see config/secrets.ts). */
  readonly secretFingerprints: Promise<readonly string[]>
  /** The auth event log (event-log.ts): written after responses, listed by the events route. */
  readonly authEvents: AuthEventLog
  /** `Set-Cookie` lines ending the session on this device: its cookie and cache (session-cache/revocation.ts). */
  readonly expiredSessionCookies: Promise<readonly string[]>
  /** get-session answered from the session cache cookie; null when SESSION_CACHE_TTL=0. */
  readonly fastSession: Promise<FastSession> | null
  /** Sends the service's mail after the response; null without a mail transport. */
  readonly mailer: Mailer | null
}

/** Hono's environment for every route: the bindings, and the context once configuration is valid. */
export type AppEnv = {
  Bindings: EnvBindings
  /** `credentials`: the request's credential, read once (middleware/credential.ts). */
  Variables: { service: ServiceContext; credentials: RequestCredentials }
}

export type AuthCookies = Awaited<Auth['$context']>['authCookies']

export type ContextResult = { ok: true; service: ServiceContext } | { ok: false; problems: ConfigProblem[] }

function buildContext(config: Config, platform: Platform, env: EnvBindings): ServiceContext {
  const database = createDatabaseClient(config)
  const signer = createTokenSigner(config.secrets)
  const diagnosis = createSessionDiagnosis({ config, db: database.db })
  const diagnose = async (headers: Headers, credentials?: RequestCredentials) =>
    diagnosis(headers, credentials ?? readCredentials(headers, (await sessionCookie).name, signer))
  const clientAddress = (request: Request) => platform.clientAddress?.(request, config.trustProxy)
  const limits = createLimits({ config, database, platform, clientAddress, gate: edgeGate(env) })
  const authEvents = createAuthEventLog({ db: database.db, secret: config.secrets[0]!.value, platform })
  const mailer = createServiceMailer(config.mail, platform)
  const auth = buildAuth({
    config,
    database,
    platform,
    mailer,
    diagnose,
    reportNullSession: createNullSessionLogger(),
    signer,
    limits,
    events: authEvents,
  })
  const authCookies = auth.$context.then((context) => context.authCookies)
  const sessionCookie = authCookies.then((c) => c.sessionToken)
  let fingerprints: Promise<readonly string[]> | undefined
  return {
    config,
    database,
    auth,
    signer,
    sessionCookie,
    authCookies,
    diagnoseSession: diagnose,
    clientAddress,
    limits,
    mailer,
    publishedKeys: publishedKeySet(() => auth.api.getJwks()),
    authEvents,
    expiredSessionCookies: authCookies.then(expiredSessionCookies),
    fastSession: config.sessionCacheSeconds > 0 ? createFastSession(auth, (work) => platform.waitUntil(work)) : null,
    get secretFingerprints() {
      fingerprints ??= Promise.all(config.secrets.map((secret) => secretFingerprint(secret.value)))
      return fingerprints
    },
  }
}

/**
 * A resolver from environment to context for one app, remembering one result per environment
 * object. Invalid configuration is remembered too, and its problems are logged once, by name only.
 *
 * @example
 * const resolve = createContextResolver({ waitUntil: (p) => ctx.waitUntil(p) })
 * const result = resolve(c.env) // { ok: true, service } | { ok: false, problems }
 */
export function createContextResolver(platform: Platform): (env: EnvBindings) => ContextResult {
  const results = new WeakMap<EnvBindings, ContextResult>()
  return function resolveContext(env) {
    let result = results.get(env)
    if (!result) {
      const parsed = parseConfig(env)
      const problem = parsed.ok ? mailTransportProblem(parsed.config.mail, platform) : null
      if (parsed.ok && !problem) result = { ok: true, service: buildContext(parsed.config, platform, env) }
      else {
        const problems = parsed.ok ? [problem!] : parsed.problems
        result = { ok: false, problems }
        logEvent('error', 'config_invalid', { problems })
      }
      results.set(env, result)
    }
    return result
  }
}
