/**
 * The per-isolate runtime: configuration, database client, auth instance and the session
 * credential helpers, built together once per environment object and shared by every request.
 */
import { type Auth, buildAuth } from './auth/index.ts'
import { type Config, type ConfigProblem, type EnvBindings, loadConfig } from './config/index.ts'
import { createDatabaseClient, type DatabaseClient } from './database.ts'
import { type CookieSpec, createCredentialUpgrader, type UpgradedRequest } from './secrets/rotation.ts'
import { createTokenSigner, type TokenSigner } from './secrets/signing.ts'

export interface SessionCookies {
  readonly session: CookieSpec
  readonly dontRemember: CookieSpec
}

export interface Runtime {
  readonly config: Config
  readonly database: DatabaseClient
  readonly auth: Auth
  /** Verifies session tokens under every known secret; signs with the current one. */
  readonly signer: TokenSigner
  /** The cookie names and attributes BetterAuth derived from the configuration. */
  readonly sessionCookies: Promise<SessionCookies>
  /** Re-signs credentials from older secrets before BetterAuth sees them (see secrets/rotation). */
  upgradeCredentials(request: Request): Promise<UpgradedRequest>
}

export type RuntimeResult = { ok: true; runtime: Runtime } | { ok: false; problems: ConfigProblem[] }

const runtimes = new WeakMap<Config, Runtime>()

function buildRuntime(config: Config): Runtime {
  const database = createDatabaseClient(config)
  const auth = buildAuth(config, database)
  const signer = createTokenSigner(config.secrets)
  const sessionCookies = auth.$context.then((context) => ({
    session: context.authCookies.sessionToken,
    dontRemember: context.authCookies.dontRememberToken,
  }))
  const upgrader = sessionCookies.then((cookies) =>
    createCredentialUpgrader(signer, {
      cookies: [cookies.session, cookies.dontRemember],
      secretCount: config.secrets.length,
    }),
  )
  return {
    config,
    database,
    auth,
    signer,
    sessionCookies,
    async upgradeCredentials(request) {
      return (await upgrader)(request)
    },
  }
}

/**
 * Resolves the runtime for an environment; invalid configuration yields its problems.
 *
 * @example
 * const result = resolveRuntime(c.env)
 * if (result.ok) return result.runtime.auth.handler(c.req.raw)
 */
export function resolveRuntime(env: EnvBindings): RuntimeResult {
  const loaded = loadConfig(env)
  if (!loaded.ok) return loaded
  let runtime = runtimes.get(loaded.config)
  if (!runtime) {
    runtime = buildRuntime(loaded.config)
    runtimes.set(loaded.config, runtime)
  }
  return { ok: true, runtime }
}
