/**
 * Debian's Chromium, driven by playwright-core, with every `*.test` host resolved to loopback
 * and nothing else reachable. One browser at a time across test files (a lock file), since
 * the machine has two cores; the lock of a process that died is taken over.
 *
 * Known of this headless Chromium: it blocks third-party cookies by default (like Safari) and
 * accepts Secure cookies on http://localhost.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Browser, chromium } from 'playwright-core'
import { describe } from 'vitest'
import { CHROMIUM_INSTALL, CHROMIUM_PATH, UNDER_CI } from './ci.ts'

/**
 * `describe` for the browser suites. Without Debian's Chromium they are skipped with a notice on a
 * developer's machine (`apt-get install chromium` enables them; the run's summary says so too, see
 * skipped-parts-reporter.ts); under CI=true they always run, so a missing browser fails instead of
 * passing silently.
 */
const browserRuns = existsSync(CHROMIUM_PATH) || UNDER_CI
if (!browserRuns) console.warn(`browser tests skipped: ${CHROMIUM_PATH} is missing (${CHROMIUM_INSTALL})`)
export const describeBrowser = describe.skipIf(!browserRuns)

const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP *.test 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
]

const LOCK_DIR = join(tmpdir(), 'edge-auth-browser.lock')
const LOCK_WAIT_MS = 170_000

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function acquireLock(): Promise<() => void> {
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      mkdirSync(LOCK_DIR)
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid))
      return () => rmSync(LOCK_DIR, { recursive: true, force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    let owner = NaN
    try {
      owner = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'))
    } catch {
      // The owner is between mkdir and writing its pid; wait.
    }
    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) rmSync(LOCK_DIR, { recursive: true, force: true })
    else if (Date.now() > deadline)
      throw new Error(`another test process (pid ${owner}) holds the browser lock ${LOCK_DIR}`)
    else await sleep(250)
  }
}

/**
 * Launches Chromium; `https` adds --ignore-certificate-errors for the self-signed test certificate.
 * Closing the browser releases the lock.
 *
 * @example
 * const browser = await launchChromium({ https: true })
 * await browser.close()
 */
export async function launchChromium(options: { https: boolean }): Promise<Browser> {
  const release = await acquireLock()
  try {
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: options.https ? [...BASE_ARGS, '--ignore-certificate-errors'] : BASE_ARGS,
    })
    browser.on('disconnected', release)
    return browser
  } catch (error) {
    release()
    throw error
  }
}
