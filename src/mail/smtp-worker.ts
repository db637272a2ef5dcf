/**
 * SMTP on workerd: `worker-mailer` over Workers' TCP sockets (`cloudflare:sockets`), loaded on the
 * first message only, so an isolate that never mails never evaluates it.
 */
import { MailDeliveryError, type SmtpTransportFactory } from './transport.ts'

const SOCKET_TIMEOUT_MS = 10_000

export const workerSmtpTransport: SmtpTransportFactory = (settings) => ({
  async send(message) {
    const { WorkerMailer } = await import('worker-mailer')
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
          socketTimeoutMs: SOCKET_TIMEOUT_MS,
          responseTimeoutMs: SOCKET_TIMEOUT_MS,
        },
        { from: message.from, to: message.to, subject: message.subject, text: message.text, html: message.html },
      )
    } catch (error) {
      throw new MailDeliveryError(`SMTP ${settings.host}:${settings.port} failed: ${(error as Error).message}`)
    }
  },
})
