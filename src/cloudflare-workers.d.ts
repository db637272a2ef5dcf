/** The one export of workerd's built-in module that the Worker entry uses. */
declare module 'cloudflare:workers' {
  /** Extends the current request's lifetime until `promise` settles. */
  export function waitUntil(promise: Promise<unknown>): void
}
