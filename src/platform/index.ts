import type { ProxyMatcher } from '../http/client-address.ts'
import type { SmtpTransportFactory } from './mail-transport.ts'

/** What differs between the platforms the app runs on (Workers, Vercel, Node), given by each entry. */

export interface Platform {
  /** Keeps work going after the response is sent, without holding the response. */
  waitUntil(promise: Promise<unknown>): void
  /**
   * The client's address as the platform vouches for it, never from a header a client can set:
   * Workers' CF-Connecting-IP, Vercel's X-Real-IP, Node's socket peer (or, when TRUST_PROXY names
   * that peer, the X-Forwarded-For hop it vouches for). Undefined: unknown, and not counted.
   */
  clientAddress?(request: Request, trustProxy: ProxyMatcher): string | undefined
  /** The runtime, as named in configuration problems ("SMTP_URL: … Vercel Edge has no TCP sockets"). */
  readonly runtime?: 'Cloudflare Workers' | 'Vercel Edge' | 'Node'
  /** The runtime's SMTP client; absent where there are no TCP sockets (Vercel Edge). */
  readonly smtp?: SmtpTransportFactory
  /**
   * How passwords are hashed and checked. Absent, as on every deployed target: BetterAuth's scrypt
   * (N=2^14, r=16), whose hashes existing users have. The in-process test platform passes scrypt at
   * a lower cost, since most tests hash passwords only to have a user.
   */
  readonly passwordHash?: PasswordHash
}

export interface PasswordHash {
  hash(password: string): Promise<string>
  verify(data: { hash: string; password: string }): Promise<boolean>
}
