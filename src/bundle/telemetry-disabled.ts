/**
 * Stands in for `@better-auth/telemetry` in the deployed bundles (wrangler.toml `[alias]`, and
 * the Vercel builds): BetterAuth's telemetry with `telemetry: { enabled: false }`, as our options
 * set it, in one function instead of 9 KiB minified (3.0 KiB gzip of the Worker).
 *
 * Faithful because the bundle reaches the package only through `createTelemetry` (in BetterAuth's
 * context setup), and with telemetry disabled BetterAuth's own `createTelemetry` resolves to
 * `{ publish }` where `publish` does nothing: no event, no request, no hash of the base URL. The one
 * difference is deliberate: BetterAuth lets the environment variables BETTER_AUTH_TELEMETRY and
 * BETTER_AUTH_TELEMETRY_ENDPOINT, not settings of ours, turn telemetry back on against the options;
 * here disabled stays disabled. Any other import of the package (`getTelemetryAuthConfig`, which
 * only `better-auth`'s full entry re-exports) fails the build as a missing export, never at run
 * time. `src/bundle/aliases.test.ts` holds this module to the package it replaces.
 */

/** The subset of `TelemetryEvent` that `publish` receives. */
interface TelemetryEvent {
  readonly type: string
  readonly payload: Record<string, unknown>
}

/** BetterAuth's `createTelemetry` with telemetry disabled: `publish` sends nothing. */
export async function createTelemetry(
  _options?: unknown,
  _context?: unknown,
): Promise<{ publish: (event: TelemetryEvent) => Promise<void> }> {
  return { publish: async () => {} }
}
