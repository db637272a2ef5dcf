/**
 * Mail delivery behind one interface. A transport sends one message or throws; retrying, logging
 * and counting belong to the mailer (mail/mailer.ts), and which SMTP client a runtime uses is the
 * platform's choice (index.ts), so no Node-only client reaches the Worker bundle.
 */

/** One message: both a plain-text and an HTML body, no tracking of any kind. */
export interface MailMessage {
  readonly from: string
  readonly to: string
  readonly subject: string
  readonly text: string
  readonly html: string
}

export interface MailTransport {
  /** Resolves once the provider accepted the message; throws a `MailDeliveryError` otherwise. */
  send(message: MailMessage): Promise<void>
}

/** SMTP submission settings, parsed from `SMTP_URL` (config/mail.ts). */
export interface SmtpSettings {
  readonly host: string
  readonly port: number
  /** `smtps:` (implicit TLS, usually 465); `smtp:` upgrades with STARTTLS when the server offers it. */
  readonly secure: boolean
  readonly username: string | undefined
  readonly password: string | undefined
}

/** Builds the runtime's SMTP transport; each entry (src/index.ts, src/node.ts) gives its own. */
export type SmtpTransportFactory = (settings: SmtpSettings) => MailTransport

/** A message the provider refused or never received; the message says which, never the content. */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError'
}
