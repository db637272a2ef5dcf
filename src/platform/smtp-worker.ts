/**
 * SMTP on workerd: `worker-mailer` over Workers' TCP sockets (`cloudflare:sockets`), loaded on the
 * first message only, so an isolate that never mails never evaluates it.
 */
import { MailDeliveryError, type SmtpTransportFactory } from './mail-transport.ts'

const SOCKET_TIMEOUT_MS = 10_000

/** worker-mailer takes the sender as `{ name, email }`, not as `Name <address>`. */
export function parseMailbox(value: string): { name?: string; email: string } {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value)
  if (!match) return { email: value.trim() }
  const name = match[1]!.replace(/^"(.*)"$/, '$1')
  return name ? { name, email: match[2]!.trim() } : { email: match[2]!.trim() }
}

export const workerSmtpTransport: SmtpTransportFactory = (settings) => ({
  async send(message) {
    const { WorkerMailer, LogLevel } = await import('worker-mailer')
    try {
      await WorkerMailer.send(
        {
          host: settings.host,
          port: settings.port,
          secure: settings.secure,
          startTls: !settings.secure,
          credentials:
            settings.username !== undefined
              ? { username: settings.username, password: settings.password ?? '' }
              : undefined,
          authType: ['plain', 'login', 'cram-md5'],
          // Failures are logged by the mailer, redacted; worker-mailer's own lines would repeat them.
          logLevel: LogLevel.NONE,
          socketTimeoutMs: SOCKET_TIMEOUT_MS,
          responseTimeoutMs: SOCKET_TIMEOUT_MS,
        },
        {
          from: parseMailbox(message.from),
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
        },
      )
    } catch (error) {
      throw new MailDeliveryError(`SMTP ${settings.host}:${settings.port} failed: ${(error as Error).message}`)
    }
  },
})
