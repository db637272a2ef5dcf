import { defineConfig } from 'vitest/config'
import SkippedPartsReporter from './test/support/skipped-parts-reporter.ts'

/**
 * Two projects. `unit` (modules, the local endpoint, and the app in-process against it) needs no
 * build, so a single file runs in seconds. `runtime` runs what was built for deployment (the Worker
 * bundle in workerd, the Vercel Edge output, Node, Chromium), built once per run by its global setup,
 * and the README's snippets and package against it. Both start test databases from one migrated
 * PGlite template (test/support/pglite-template.ts).
 */
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
          include: ['src/**/*.test.ts', 'db/**/*.test.ts', 'scripts/**/*.test.ts', 'test/in-process/**/*.test.ts'],
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
