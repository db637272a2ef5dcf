/**
 * Whether this run is CI's (`.ci/run` runs with CI=true). Under CI, what a developer's machine may
 * lack (Chromium, PostgreSQL, Debian's Python packages) is required: a missing part fails the run
 * instead of skipping its tests.
 */
export const UNDER_CI = Boolean(process.env.CI) && process.env.CI !== 'false'

/** Debian's Chromium, which the browser suites drive (never a downloaded browser). */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** What enables the browser suites on a machine without Chromium. */
export const CHROMIUM_INSTALL = 'apt-get install chromium'
