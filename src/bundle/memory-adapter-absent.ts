/**
 * Stands in for `@better-auth/memory-adapter` in the deployed bundles (wrangler.toml `[alias]`, and
 * the Vercel builds). BetterAuth loads the memory adapter only when `options.database` is not set
 * (`getBaseAdapter` in better-auth/dist/db/adapter-base.mjs), through a dynamic import the bundler
 * inlines anyway: 5.6 KiB minified, plus the lazy-initialisation wrappers that import forced on the
 * 127 modules the adapter shares with the rest of the bundle (2.4 KiB). edge-auth always passes
 * its Drizzle adapter (`buildAuth`), so the branch never runs. Should it ever run, this fails
 * loudly instead of keeping users in memory.
 * `src/bundle/aliases.test.ts` checks the options always carry a database adapter.
 */
export function memoryAdapter(): never {
  throw new Error(
    'edge-auth: BetterAuth asked for its in-memory database; the service must always pass its Drizzle adapter',
  )
}
