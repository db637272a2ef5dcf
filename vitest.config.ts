import { defineConfig } from 'vitest/config'
import SkippedPartsReporter from './test/support/skipped-parts-reporter.ts'

/**
 * Four projects. `unit` (modules and the app in-process) and `local-neon` (the local endpoint and
 * the driver against it) need no build, so a single file runs in seconds; `npm run test:unit` runs
 * both. `initdb` starts the local endpoint on fresh data directories. `runtime` runs what was
 * built for deployment (the Worker bundle in workerd, the Vercel Edge output, Node, Chromium), built
 * once per run by its global setup, and the README's snippets and package against it. All start test databases from one migrated PGlite template
 * (test/support/pglite-template.ts).
 */
const INITDB_FILES = ['db/local-neon/pglite.test.ts', 'db/local-neon/cli.test.ts']

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine, idle
    // while its file waits on a child process, workerd, a mail server or a deadline. Most of the
    // suite waits more than it computes, so three files run at once.
    maxWorkers: 3,
    // The summary's last lines name what this machine could not test (no Chromium) and how to fix it.
    reporters: ['default', new SkippedPartsReporter()],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'test/in-process/**/*.test.ts'],
          // Files share their worker's modules instead of importing BetterAuth, Drizzle and the app
          // afresh each: a third less CPU for the tier. Everything here runs the app as deployed,
          // through Drizzle, whose neon-http driver sets the Neon driver's type parsers globally.
          isolate: false,
          globalSetup: ['test/support/template-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The local Neon endpoint and the bare Neon driver, whose type parsers must be its own
          // defaults: each file in a fresh module graph, so no file sees what Drizzle set in another.
          name: 'local-neon',
          include: ['db/**/*.test.ts'],
          exclude: INITDB_FILES,
          globalSetup: ['test/support/template-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The local endpoint on a fresh PGlite data directory, as `npm run dev` starts it the first
          // time: each runs initdb (tens of seconds of WASM work on 2 cores), so not in test:unit.
          name: 'initdb',
          include: INITDB_FILES,
          testTimeout: 60_000,
          globalSetup: ['test/support/template-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'runtime',
          include: [
            'test/integration/**/*.test.ts',
            'test/acceptance/**/*.test.ts',
            'test/browser/**/*.test.ts',
            'test/readme/**/*.test.ts',
          ],
          globalSetup: ['test/support/global-setup.ts'],
          // Every line a service writes is checked for secrets after each file (log-capture.ts).
          setupFiles: ['test/support/log-check.ts'],
        },
      },
    ],
  },
})
