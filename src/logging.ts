/**
 * Logs as one JSON line each, with nothing secret in them. Error messages are cut before any
 * `params:` section (Drizzle puts query parameters there, and session tokens are parameters),
 * and token-shaped runs of characters are masked, keeping only their length (snake_case codes
 * excepted: 24 random token characters practically never avoid every digit, capital and symbol).
 */

const PARAMS_SECTION = /\bparams:[\s\S]*$/
const TOKEN_LIKE = /[A-Za-z0-9_\-+/=%.]{24,}/g
/** Our own codes (`cross_site_cookie_not_sent`): lowercase words joined by `_`, never a random token. */
const SNAKE_CASE_CODE = /^[a-z]+(?:_[a-z]+)+$/
const MAX_MESSAGE_LENGTH = 300

/**
 * A message safe to log.
 *
 * @example
 * redact('Failed query: select … where token = $1\nparams: abc…') // 'Failed query: select … where token = $1'
 */
export function redact(message: string): string {
  return message
    .replace(PARAMS_SECTION, '')
    .replace(TOKEN_LIKE, (run) => (SNAKE_CASE_CODE.test(run) ? run : `[redacted ${run.length} chars]`))
    .trim()
    .slice(0, MAX_MESSAGE_LENGTH)
}

function describe(value: unknown): string {
  if (value instanceof Error)
    return `${value.name}: ${redact(value.message)}${value.cause instanceof Error ? ` (cause: ${redact(value.cause.message)})` : ''}`
  if (typeof value === 'string') return redact(value)
  return typeof value
}

/** Writes one structured log line. */
export function logEvent(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown> = {}): void {
  const line: Record<string, unknown> = { level, event }
  for (const [key, value] of Object.entries(fields)) {
    line[key] = value instanceof Error || typeof value === 'string' ? describe(value) : value
  }
  const text = JSON.stringify(line)
  if (level === 'error') console.error(text)
  else if (level === 'warn') console.warn(text)
  else console.log(text)
}

/** BetterAuth's `logger` option: its messages and error arguments go through the redactor. */
export const betterAuthLogger = {
  level: 'warn' as const,
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, ...args: unknown[]) {
    logEvent(level === 'debug' ? 'info' : level, 'better_auth', {
      message,
      detail: args.map(describe).join('; ') || undefined,
    })
  },
}
