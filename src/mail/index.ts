/**
 * The service's mailer from its mail settings and the platform: SMTP through the platform's own
 * client, Resend over fetch anywhere, or none. SMTP where the runtime has no SMTP client (Vercel
 * Edge: no TCP sockets) is a configuration problem naming the runtime.
 */
import type { MailConfig } from '../config/mail.ts'
import type { Platform } from '../platform/index.ts'
import { createMailer, type Mailer } from './mailer.ts'
import { resendTransport } from './resend.ts'

/**
 * @example
 * const problem = mailTransportProblem(config.mail, { waitUntil, runtime: 'Vercel Edge' })
 * // { variable: 'SMTP_URL', problem: 'cannot work on Vercel Edge: …' }
 */
export function mailTransportProblem(
  mail: MailConfig,
  platform: Platform,
): { variable: string; problem: string } | null {
  if (mail.transport?.kind !== 'smtp' || platform.smtp) return null
  return {
    variable: 'SMTP_URL',
    problem: `cannot work on ${platform.runtime ?? 'this runtime'}: it has no TCP sockets for SMTP; set RESEND_API_KEY instead`,
  }
}

/** The mailer, or null without a transport. Call after `mailTransportProblem` found nothing. */
export function createServiceMailer(mail: MailConfig, platform: Platform): Mailer | null {
  const { transport, from } = mail
  if (!transport || !from) return null
  if (transport.kind === 'resend') {
    return createMailer({ transport: resendTransport(transport), transportName: 'resend', from, platform })
  }
  return createMailer({ transport: platform.smtp!(transport.smtp), transportName: 'smtp', from, platform })
}
