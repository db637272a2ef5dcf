/**
 * Mail settings: the transport (`SMTP_URL` or `RESEND_API_KEY`), the sender, the app's name in
 * messages, whether email verification is required, and how long reset links live. Problems name
 * the variable, never its value (SMTP_URL carries a password).
 */
import type { SmtpSettings } from '../platform/mail-transport.ts'
import type { EnvBindings } from './env.ts'

interface ConfigProblem {
  variable: string
  problem: string
}

export type EmailVerification = 'required' | 'optional' | 'off'

export type MailTransportSetting =
  | { readonly kind: 'smtp'; readonly smtp: SmtpSettings }
  | { readonly kind: 'resend'; readonly apiKey: string; readonly apiUrl: string }

export interface MailConfig {
  /** Null: no mail at all (verification off, no reset, no codes). */
  readonly transport: MailTransportSetting | null
  readonly from: string | undefined
  readonly appName: string
  readonly emailVerification: EmailVerification
  /** Why that mode: set by EMAIL_VERIFICATION, or the default for a deployment with or without a transport. */
  readonly emailVerificationSource:
    | 'EMAIL_VERIFICATION'
    | 'default (a mail transport is set)'
    | 'default (no mail transport)'
  readonly passwordResetSeconds: number
}

export const DEFAULT_APP_NAME = 'edge-auth'
export const DEFAULT_PASSWORD_RESET_SECONDS = 3600
export const RESEND_DEFAULT_API_URL = 'https://api.resend.com'
const SMTP_PORTS = { 'smtp:': 587, 'smtps:': 465 } as const

function parseSmtpUrl(value: string, problems: ConfigProblem[]): SmtpSettings | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    problems.push({ variable: 'SMTP_URL', problem: 'is not a valid URL (smtp://user:pass@host:587 or smtps://…:465)' })
    return undefined
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    problems.push({ variable: 'SMTP_URL', problem: 'must use smtp or smtps' })
    return undefined
  }
  if (!url.hostname) {
    problems.push({ variable: 'SMTP_URL', problem: 'has no host' })
    return undefined
  }
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : SMTP_PORTS[url.protocol],
    secure: url.protocol === 'smtps:',
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  }
}

function parseResetTtl(value: string | undefined, problems: ConfigProblem[]): number {
  if (!value?.trim()) return DEFAULT_PASSWORD_RESET_SECONDS
  const match = /^(\d+)\s*(s|m|h)?$/.exec(value.trim())
  const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'] : NaN
  if (!(seconds >= 300 && seconds <= 24 * 3600)) {
    problems.push({
      variable: 'PASSWORD_RESET_TTL',
      problem: 'must be a duration between 5m and 24h, e.g. 3600, 30m or 1h',
    })
    return DEFAULT_PASSWORD_RESET_SECONDS
  }
  return seconds
}

/**
 * @example
 * parseMailConfig({ SMTP_URL: 'smtp://localhost:1025', MAIL_FROM: 'auth@example.com' }, problems)
 * // { transport: { kind: 'smtp', … }, emailVerification: 'required', … }
 */
export function parseMailConfig(env: EnvBindings, problems: ConfigProblem[]): MailConfig {
  const smtpUrl = env.SMTP_URL?.trim()
  const resendKey = env.RESEND_API_KEY?.trim()
  let transport: MailTransportSetting | null = null
  if (smtpUrl && resendKey) {
    problems.push({ variable: 'SMTP_URL', problem: 'and RESEND_API_KEY are both set: choose one mail transport' })
  } else if (smtpUrl) {
    const smtp = parseSmtpUrl(smtpUrl, problems)
    if (smtp) transport = { kind: 'smtp', smtp }
  } else if (resendKey) {
    const apiUrl = env.RESEND_API_URL?.trim() || RESEND_DEFAULT_API_URL
    if (!/^https?:\/\//.test(apiUrl)) problems.push({ variable: 'RESEND_API_URL', problem: 'must be an http(s) URL' })
    else transport = { kind: 'resend', apiKey: resendKey, apiUrl }
  }

  const from = env.MAIL_FROM?.trim() || undefined
  if ((smtpUrl || resendKey) && !from) {
    problems.push({
      variable: 'MAIL_FROM',
      problem: 'is required with a mail transport, e.g. "Docs <auth@example.com>"',
    })
  }

  const setting = env.EMAIL_VERIFICATION?.trim().toLowerCase()
  let emailVerification: EmailVerification = transport ? 'required' : 'off'
  let emailVerificationSource: MailConfig['emailVerificationSource'] = transport
    ? 'default (a mail transport is set)'
    : 'default (no mail transport)'
  if (setting) {
    if (setting !== 'required' && setting !== 'optional' && setting !== 'off') {
      problems.push({ variable: 'EMAIL_VERIFICATION', problem: 'must be required, optional or off' })
    } else if (setting !== 'off' && !smtpUrl && !resendKey) {
      problems.push({
        variable: 'EMAIL_VERIFICATION',
        problem: `is ${setting} but no mail transport is set (SMTP_URL or RESEND_API_KEY)`,
      })
    } else {
      emailVerification = setting
      emailVerificationSource = 'EMAIL_VERIFICATION'
    }
  }

  return {
    transport,
    from,
    appName: env.APP_NAME?.trim() || DEFAULT_APP_NAME,
    emailVerification,
    emailVerificationSource,
    passwordResetSeconds: parseResetTtl(env.PASSWORD_RESET_TTL, problems),
  }
}
