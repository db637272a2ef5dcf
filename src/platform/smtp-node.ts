/** SMTP on Node: nodemailer, one pooled-free transport per isolate (a message per connection). */
import { createTransport } from 'nodemailer'
import { MailDeliveryError, type SmtpTransportFactory } from './mail-transport.ts'

const TIMEOUT_MS = 10_000

export const nodeSmtpTransport: SmtpTransportFactory = (settings) => {
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.username !== undefined ? { user: settings.username, pass: settings.password ?? '' } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  })
  return {
    async send(message) {
      try {
        await transport.sendMail(message)
      } catch (error) {
        throw new MailDeliveryError(`SMTP ${settings.host}:${settings.port} failed: ${(error as Error).message}`)
      }
    },
  }
}
