import type { SmtpTransportFactory } from './mail/transport.ts'

/** What differs between the platforms the app runs on (Workers, Vercel, Node), given by each entry. */
export interface Platform {
  /** Keeps work going after the response is sent, without holding the response. */
  waitUntil(promise: Promise<unknown>): void
  /** The runtime, as named in configuration problems ("SMTP_URL: … Vercel Edge has no TCP sockets"). */
  readonly runtime?: 'Cloudflare Workers' | 'Vercel Edge' | 'Node'
  /** The runtime's SMTP client; absent where there are no TCP sockets (Vercel Edge). */
  readonly smtp?: SmtpTransportFactory
}
