/**
 * `npm run dev`'s settings: `.dev.vars`, overridden by the process environment for every variable
 * the service reads (ENV_VARIABLES). The two secret variables count as one setting.
 */
import { ENV_VARIABLES, type EnvVariable } from '../src/config/env.ts'

type Environment = Readonly<Record<string, string | undefined>>

/**
 * `BETTER_AUTH_SECRETS` makes a `BETTER_AUTH_SECRET` beside it the legacy (pre-rotation) secret, so
 * mixing one from the environment with the other from `.dev.vars` would make up a rotation nobody
 * asked for.
 */
const SECRET_VARIABLES = ['BETTER_AUTH_SECRET', 'BETTER_AUTH_SECRETS'] as const satisfies readonly EnvVariable[]

export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line)
    if (match) values.set(match[1]!, match[2]!.replace(/^"(.*)"$/, '$1'))
  }
  return values
}

export function serializeEnvFile(values: Map<string, string>): string {
  return `${[...values].map(([key, value]) => `${key}=${JSON.stringify(value)}`).join('\n')}\n`
}

/** Whether the environment gives the secret (either variable, even empty: it was set on purpose). */
export function environmentGivesSecret(env: Environment): boolean {
  return SECRET_VARIABLES.some((name) => env[name] !== undefined)
}

/** Whether `npm run dev` must make up a secret: neither the environment nor `.dev.vars` gives one. */
export function needsRandomSecret(devVars: Map<string, string>, env: Environment): boolean {
  return !environmentGivesSecret(env) && !SECRET_VARIABLES.some((name) => devVars.get(name))
}

/** `.dev.vars` with the environment's settings over it; the secret comes wholly from one of the two. */
export function devSettings(devVars: Map<string, string>, env: Environment): Map<string, string> {
  const values = new Map(devVars)
  if (environmentGivesSecret(env)) for (const name of SECRET_VARIABLES) values.delete(name)
  for (const name of ENV_VARIABLES) {
    const fromEnvironment = env[name]
    if (fromEnvironment !== undefined) values.set(name, fromEnvironment)
  }
  return values
}
