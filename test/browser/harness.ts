/**
 * Shared pieces of the browser suites: driving the test page through `page.evaluate`, reading
 * Set-Cookie from the browser's own view of a response, and screenshots.
 *
 * The browser suites run on the PGlite backend only (a migrated local Neon-compatible endpoint):
 * what they test is the browser's cookie handling, which no database backend changes.
 */
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import type { ActionResult, Diagnosis, PageApi, PageState, SessionSummary, ThirdPartyCookieProbe } from './page/api.ts'

export const BROWSER_BACKEND = 'pglite'
export const PASSWORD = 'correct horse battery staple'
const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/browser/', import.meta.url))

type EdgeAuthWindow = { edgeAuth: PageApi }

/** The page's functions, called inside the browser. */
export interface PageDriver {
  readonly page: Page
  ready(): Promise<PageState>
  signUp(email: string): Promise<ActionResult>
  signIn(email: string): Promise<ActionResult>
  getSession(): Promise<SessionSummary | null>
  diagnose(): Promise<Diagnosis>
  refresh(): Promise<PageState>
  probeThirdPartyCookies(probeOrigin: string): Promise<ThirdPartyCookieProbe>
  /** Reloads the page and waits for its start-up (get-session and diagnosis) to finish. */
  reload(): Promise<PageState>
  /** Set-Cookie lines of the next response whose path ends with `pathEnd`, while `action` runs. */
  setCookiesOf<T>(pathEnd: string, action: () => Promise<T>): Promise<{ result: T; setCookies: string[]; response: Response }>
  screenshot(name: string): Promise<string>
}

export function drive(page: Page): PageDriver {
  const driver: PageDriver = {
    page,
    ready: () => page.evaluate(() => (window as unknown as EdgeAuthWindow).edgeAuth.ready),
    signUp: (email) => page.evaluate(([e, p]) => (window as unknown as EdgeAuthWindow).edgeAuth.signUp(e!, p!, 'Browser Test'), [email, PASSWORD]),
    signIn: (email) => page.evaluate(([e, p]) => (window as unknown as EdgeAuthWindow).edgeAuth.signIn(e!, p!), [email, PASSWORD]),
    getSession: () => page.evaluate(() => (window as unknown as EdgeAuthWindow).edgeAuth.getSession()),
    diagnose: () => page.evaluate(() => (window as unknown as EdgeAuthWindow).edgeAuth.diagnose()),
    refresh: () => page.evaluate(() => (window as unknown as EdgeAuthWindow).edgeAuth.refresh()),
    probeThirdPartyCookies: (origin) => page.evaluate((o) => (window as unknown as EdgeAuthWindow).edgeAuth.probeThirdPartyCookies(o), origin),
    async reload() {
      await page.reload()
      return driver.ready()
    },
    async setCookiesOf(pathEnd, action) {
      const responded = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith(pathEnd) && r.request().method() !== 'OPTIONS')
      const result = await action()
      const response = await responded
      const setCookies = (await response.headersArray()).filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value)
      return { result, setCookies, response }
    },
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true })
      const path = `${SCREENSHOT_DIR}${name}.png`
      await page.screenshot({ path, fullPage: true })
      return path
    },
  }
  return driver
}

/** A fresh browser context (no cookies, no storage) with one page open at `url`. */
export async function openPage(browser: Browser, url: string): Promise<{ context: BrowserContext; driver: PageDriver; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(url)
  const driver = drive(page)
  await driver.ready()
  return { context, driver, errors }
}

export const SESSION_COOKIE = '__Secure-better-auth.session_token'
