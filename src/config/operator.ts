/**
 * The operator's settings: the bearer tokens of the operator routes (`HEALTH_TOKEN` for the full
 * `/health/auth`, `CRON_SECRET` for the scheduled prune on Vercel and Node) and how long auth events
 * are kept. Tokens are optional; when set they must be long enough not to be guessed, and differ
 * from the signing secrets (a health token is handed to monitoring, a signing secret never is).
 */
import type { EnvBindings } from './env.ts'
import { MIN_SECRET_LENGTH, type SigningSecret } from './secrets.ts'

/** As config's ConfigProblem (which imports this module). */
interface ConfigProblem {
  variable: string
  problem: string
}

export const DEFAULT_AUTH_EVENT_RETENTION_DAYS = 90
const MAX_AUTH_EVENT_RETENTION_DAYS = 3650

export interface OperatorSettings {
  readonly healthToken: string | undefined
  readonly cronSecret: string | undefined
  readonly authEventRetentionDays: number
}

/** A bearer token setting: unset, or at least 32 characters and none of the signing secrets. */
export function operatorToken(
  variable: 'HEALTH_TOKEN' | 'CRON_SECRET',
  value: string | undefined,
  secrets: readonly SigningSecret[],
  problems: ConfigProblem[],
): string | undefined {
  const token = value?.trim()
  if (!token) return undefined
  if (token.length < MIN_SECRET_LENGTH) {
    problems.push({
      variable,
      problem: `must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`,
    })
  } else if (secrets.some((s) => s.value === token)) {
    problems.push({ variable, problem: 'must not be a signing secret: it is handed to monitoring or the scheduler' })
  }
  return token
}

function retentionDays(value: string | undefined, problems: ConfigProblem[]): number {
  if (!value?.trim()) return DEFAULT_AUTH_EVENT_RETENTION_DAYS
  const days = Number(value.trim())
  if (!Number.isInteger(days) || days < 1 || days > MAX_AUTH_EVENT_RETENTION_DAYS) {
    problems.push({
      variable: 'AUTH_EVENT_RETENTION_DAYS',
      problem: `must be a whole number of days from 1 to ${MAX_AUTH_EVENT_RETENTION_DAYS}`,
    })
    return DEFAULT_AUTH_EVENT_RETENTION_DAYS
  }
  return days
}

export function parseOperatorSettings(
  env: EnvBindings,
  secrets: readonly SigningSecret[],
  problems: ConfigProblem[],
): OperatorSettings {
  return {
    healthToken: operatorToken('HEALTH_TOKEN', env.HEALTH_TOKEN, secrets, problems),
    cronSecret: operatorToken('CRON_SECRET', env.CRON_SECRET, secrets, problems),
    authEventRetentionDays: retentionDays(env.AUTH_EVENT_RETENTION_DAYS, problems),
  }
}
