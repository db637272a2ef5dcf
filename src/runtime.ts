/**
 * The per-isolate runtime: configuration, database client and auth instance, built together
 * once per environment object and shared by every request of the isolate.
 */
import { buildAuth, type Auth } from './auth/index.ts'
import { loadConfig, type Config, type ConfigProblem, type EnvBindings } from './config/index.ts'
import { createDatabaseClient, type DatabaseClient } from './database.ts'

export interface Runtime {
  readonly config: Config
  readonly database: DatabaseClient
  readonly auth: Auth
}

export type RuntimeResult = { ok: true; runtime: Runtime } | { ok: false; problems: ConfigProblem[] }

const runtimes = new WeakMap<Config, Runtime>()

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
    const database = createDatabaseClient(loaded.config)
    runtime = { config: loaded.config, database, auth: buildAuth(loaded.config, database) }
    runtimes.set(loaded.config, runtime)
  }
  return { ok: true, runtime }
}
