/**
 * Ends a run's summary with the tests this machine could not run for want of a part the suite does
 * not install: the browser suites without Debian's Chromium. Each skipped file warns too, but
 * far above, in the middle of the output; the last lines are what a person reads.
 */
import { existsSync } from 'node:fs'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { CHROMIUM_INSTALL, CHROMIUM_PATH } from './ci.ts'

/** Skipped tests in the files under `test/browser/`. */
function skippedBrowserTests(testModules: ReadonlyArray<TestModule>): number {
  let skipped = 0
  for (const testModule of testModules) {
    if (!testModule.moduleId.includes('/test/browser/')) continue
    for (const test of testModule.children.allTests()) if (test.result().state === 'skipped') skipped += 1
  }
  return skipped
}

export default class SkippedPartsReporter implements Reporter {
  private vitest: Vitest | undefined

  onInit(vitest: Vitest) {
    this.vitest = vitest
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    if (existsSync(CHROMIUM_PATH)) return
    const skipped = skippedBrowserTests(testModules)
    if (skipped === 0) return
    const log = this.vitest?.logger ?? console
    log.log(
      `\n ${skipped} browser tests skipped: no Chromium at ${CHROMIUM_PATH}. ` +
        `Install Debian's (${CHROMIUM_INSTALL}) to run them.\n`,
    )
  }
}
