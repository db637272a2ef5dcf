/** What differs between the platforms the app runs on (Workers, Vercel, Node), given by each entry. */
import type { ProxyMatcher } from './limits/address.ts'

export interface Platform {
  /** Keeps work going after the response is sent, without holding the response. */
  waitUntil(promise: Promise<unknown>): void
  /**
   * The client's address as the platform vouches for it, never from a header a client can set:
   * Workers' CF-Connecting-IP, Vercel's X-Real-IP, Node's socket peer (or, when TRUST_PROXY names
   * that peer, the X-Forwarded-For hop it vouches for). Undefined: unknown, and not counted.
   */
  clientAddress?(request: Request, trustProxy: ProxyMatcher): string | undefined
}
