/**
 * Stands in for BetterAuth's own rate limiter (better-auth/dist/api/rate-limiter/index.mjs, imported
 * as `./rate-limiter/index.mjs` by its api/index.mjs) in the deployed bundles. edge-auth turns it
 * off (`rateLimit: { enabled: false }` in auth/index.ts) and counts in src/limits/ instead, through
 * the database every isolate shares; with it off the package's `onRequestRateLimit` returns at its
 * first line, as this one does. Should it ever be turned on, this fails loudly instead of counting
 * nothing.
 */
export async function onRequestRateLimit(_request: Request, ctx: { rateLimit: { enabled: boolean } }): Promise<void> {
  if (!ctx.rateLimit.enabled) return
  throw new Error("edge-auth: BetterAuth's own rate limiter is not bundled; src/limits/ counts requests")
}
