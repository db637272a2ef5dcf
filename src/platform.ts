/** What differs between the platforms the app runs on (Workers, Vercel, Node), given by each entry. */
export interface Platform {
  /** Keeps work going after the response is sent, without holding the response. */
  waitUntil(promise: Promise<unknown>): void
}
