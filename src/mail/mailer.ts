/**
 * The mailer: hands a message to the transport after the response (the platform's `waitUntil`),
 * tries once more on failure, and counts what happened for `/health/auth`. A failure is logged
 * with the kind of message and the transport's error, never the recipient's link, token or code.
 */
import { logEvent } from '../logging.ts'
import type { Platform } from '../platform/index.ts'
import type { MailMessage, MailTransport } from '../platform/mail-transport.ts'

/** What a message is for; the only thing about its content that is ever logged. */
export type MailKind = 'verification' | 'password-reset' | 'sign-in-code' | 'existing-account' | 'code'

const RETRY_DELAY_MS = 1000

/** Per-isolate delivery counts (since the isolate started), reported by `/health/auth`. */
export interface MailStats {
  sent: number
  failed: number
  retried: number
  lastFailure: { at: string; kind: MailKind; error: string } | null
}

export interface Mailer {
  readonly transportName: 'smtp' | 'resend'
  readonly stats: Readonly<MailStats>
  /**
   * Queues a message to `to`; returns at once. `allowed`, when given, runs first, in the background
   * too (a budget check costs a database trip the response should not wait for): false, not sent.
   */
  deliver(kind: MailKind, message: Omit<MailMessage, 'from'>, allowed?: () => Promise<boolean>): void
}

/**
 * @example
 * const mailer = createMailer({ transport, transportName: 'smtp', from: 'Docs <auth@example.com>', platform })
 * mailer.deliver('verification', { to, subject, text, html })
 */
export function createMailer(options: {
  transport: MailTransport
  transportName: 'smtp' | 'resend'
  from: string
  platform: Platform
  retryDelayMs?: number
}): Mailer {
  const { transport, from, platform } = options
  const retryDelayMs = options.retryDelayMs ?? RETRY_DELAY_MS
  const stats: MailStats = { sent: 0, failed: 0, retried: 0, lastFailure: null }

  async function sendWithRetry(kind: MailKind, message: MailMessage): Promise<void> {
    try {
      await transport.send(message)
    } catch (first) {
      stats.retried++
      logEvent('warn', 'mail_retry', { kind, transport: options.transportName, error: first as Error })
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs))
      try {
        await transport.send(message)
      } catch (second) {
        stats.failed++
        stats.lastFailure = { at: new Date().toISOString(), kind, error: (second as Error).name }
        logEvent('error', 'mail_failed', { kind, transport: options.transportName, error: second as Error })
        return
      }
    }
    stats.sent++
  }

  return {
    transportName: options.transportName,
    stats,
    deliver(kind, message, allowed) {
      const full = { ...message, from }
      if (!allowed) return platform.waitUntil(sendWithRetry(kind, full))
      platform.waitUntil(
        allowed().then((ok) => {
          if (ok) return sendWithRetry(kind, full)
          logEvent('warn', 'mail_not_sent', { kind, reason: 'recipient_budget_spent' })
        }),
      )
    },
  }
}
