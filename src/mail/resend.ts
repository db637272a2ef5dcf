/**
 * Resend's HTTPS API (`POST /emails`, https://resend.com/docs/api-reference/emails/send-email),
 * for runtimes without TCP sockets (Vercel Edge). Only fetch: nothing runtime-specific.
 */
import { MailDeliveryError, type MailMessage, type MailTransport } from '../platform/mail-transport.ts'

export const RESEND_API_URL = 'https://api.resend.com'

/**
 * @example
 * const transport = resendTransport({ apiKey: 're_…', apiUrl: RESEND_API_URL })
 * await transport.send({ from: 'Docs <auth@example.com>', to: 'a@example.org', subject, text, html })
 */
export function resendTransport(options: { apiKey: string; apiUrl: string }): MailTransport {
  const endpoint = `${options.apiUrl.replace(/\/+$/, '')}/emails`
  return {
    async send(message: MailMessage) {
      let response: Response
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            from: message.from,
            to: [message.to],
            subject: message.subject,
            text: message.text,
            html: message.html,
          }),
        })
      } catch (error) {
        throw new MailDeliveryError(`Resend unreachable: ${(error as Error).message}`)
      }
      // Drained either way, so the connection can be reused.
      const body = await response.text().catch(() => '')
      if (!response.ok) {
        const name = /"name"\s*:\s*"([a-z_]+)"/.exec(body)?.[1]
        throw new MailDeliveryError(`Resend answered ${response.status}${name ? ` ${name}` : ''}`)
      }
    },
  }
}
