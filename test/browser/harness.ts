/**
 * Shared pieces of the browser suites: the scenario every suite sets up (page server, service,
 * Chromium), driving the test page through `page.evaluate`, reading Set-Cookie from the
 * browser's own view of a response, and screenshots.
 *
 * The browser suites run on the PGlite backend (a migrated local Neon-compatible endpoint) unless
 * they name another: what most test is the browser's cookie handling, which no database backend
 * changes; the mail flows run on each backend.
 */
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { backendNamed, type TestDatabase } from '../support/backends.ts'
import { launchChromium } from '../support/browser.ts'
import { startService, type TestService } from '../support/service.ts'
import { makeCertificate, type TestCertificate } from '../support/tls.ts'
import type {
  ActionResult,
  Diagnosis,
  MailButton,
  PageApi,
  PageState,
  SessionSummary,
  ThirdPartyCookieProbe,
} from './page/api.ts'
import { type PageServer, startPageServer } from './page/server.ts'

export const BROWSER_BACKEND = 'pglite'
export const PASSWORD = 'correct horse battery staple'
const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/browser/', import.meta.url))

type EdgeAuthWindow = { edgeAuth: PageApi }

export interface BrowserScenarioOptions {
  /** The page's mode, e.g. `same-site`: shown on the page, used in screenshot names. */
  readonly mode: string
  /** The page's host, e.g. `docs.site.test` (`localhost` for plain HTTP). */
  readonly pageHost: string
  /** The service's host, e.g. `auth.site.test` (`127.0.0.1` for plain HTTP). */
  readonly serviceHost: string
  /** HTTPS with a throwaway certificate for both hosts (the default), or plain HTTP. */
  readonly https?: boolean
  /** More hosts the certificate names, e.g. a third site the page server also answers as. */
  readonly moreCertificateHosts?: readonly string[]
  /** The service's database backend (default `pglite`). */
  readonly backend?: TestDatabase['name']
  /** The service's bindings; TRUSTED_ORIGINS is the page's origin unless given here. */
  readonly bindings?: Record<string, string | undefined>
}

/** What a suite's tests use; each property throws if read before the suite's `beforeAll` ran. */
export interface BrowserScenario {
  /** The certificate of both hosts; `undefined` over plain HTTP. */
  readonly tls: TestCertificate | undefined
  readonly frontend: PageServer
  /** The Worker in workerd on `https://<serviceHost>:<port>` (its `url`, and BETTER_AUTH_URL). */
  readonly service: TestService<'workerd'>
  readonly browser: Browser
}

function started<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`browser scenario: ${name} is not started (read it inside a test or hook)`)
  return value
}

/**
 * Registers the suite's `beforeAll` (certificate, page server, service on the PGlite backend with
 * TRUSTED_ORIGINS the page's origin unless the bindings say otherwise, page config, Chromium) and
 * `afterAll` (all closed, in reverse). Call it in the `describe` body; read the properties inside tests.
 *
 * @example
 * const scenario = useBrowserScenario({ mode: 'same-site', pageHost: 'docs.site.test', serviceHost: 'auth.site.test', bindings: { COOKIE_DOMAIN: 'site.test' } })
 * it('...', async () => {
 *   const { driver } = await openPage(scenario.browser, `${scenario.frontend.origin}/`)
 * })
 */
export function useBrowserScenario(options: BrowserScenarioOptions): BrowserScenario {
  const https = options.https ?? true
  let tls: TestCertificate | undefined
  let frontend: PageServer | undefined
  let database: TestDatabase | undefined
  let service: TestService<'workerd'> | undefined
  let browser: Browser | undefined

  beforeAll(async () => {
    if (https) tls = makeCertificate([options.pageHost, options.serviceHost, ...(options.moreCertificateHosts ?? [])])
    frontend = await startPageServer({ host: options.pageHost, tls })
    database = backendNamed(options.backend ?? BROWSER_BACKEND)
    service = await startService(
      database,
      { TRUSTED_ORIGINS: frontend.origin, ...options.bindings },
      { target: 'workerd', host: options.serviceHost, tls },
    )
    frontend.config = { mode: options.mode, serviceOrigin: service.url }
    browser = await launchChromium({ https })
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await service?.stop()
    await database?.cleanup()
    await frontend?.close()
    tls?.remove()
  })

  return {
    get tls() {
      return tls
    },
    get frontend() {
      return started(frontend, 'the page server')
    },
    get service() {
      return started(service, 'the service')
    },
    get browser() {
      return started(browser, 'Chromium')
    },
  }
}

/** The page's functions, called inside the browser. */
export interface PageDriver {
  readonly page: Page
  ready(): Promise<PageState>
  signUp(email: string): Promise<ActionResult>
  signIn(email: string, password?: string): Promise<ActionResult>
  /** Fills the mail form's fields (by label), presses `button`, and answers the snippet's message. */
  mail(
    button: MailButton,
    fields?: Partial<Record<'Email' | 'Password' | 'Code' | 'New password', string>>,
  ): Promise<string>
  /** Rejects when the page's get-session failed (its `sessionError`): null is the service's answer. */
  getSession(): Promise<SessionSummary | null>
  diagnose(): Promise<Diagnosis>
  refresh(): Promise<PageState>
  probeThirdPartyCookies(probeOrigin: string): Promise<ThirdPartyCookieProbe>
  /** Reloads the page and waits for its start-up (get-session and diagnosis) to finish. */
  reload(): Promise<PageState>
  /** Set-Cookie lines of the next response whose path ends with `pathEnd`, while `action` runs. */
  setCookiesOf<T>(
    pathEnd: string,
    action: () => Promise<T>,
  ): Promise<{ result: T; setCookies: string[]; response: Response }>
  screenshot(name: string): Promise<string>
}

export function drive(page: Page): PageDriver {
  const driver: PageDriver = {
    page,
    ready: () => page.evaluate(() => (window as unknown as EdgeAuthWindow).edgeAuth.ready),
    signUp: (email) =>
      page.evaluate(
        ([e, p]) => (window as unknown as EdgeAuthWindow).edgeAuth.signUp(e!, p!, 'Browser Test'),
        [email, PASSWORD],
      ),
    signIn: (email, password = PASSWORD) =>
      page.evaluate(([e, p]) => (window as unknown as EdgeAuthWindow).edgeAuth.signIn(e!, p!), [email, password]),
    async mail(button, fields = {}) {
      const form = page.locator('form#mail')
      for (const [label, value] of Object.entries(fields)) await form.getByLabel(label, { exact: true }).fill(value)
      await form.getByRole('button', { name: button, exact: true }).click()
      return page.evaluate(() => (window as unknown as EdgeAuthWindow).edgeAuth.mailResult())
    },
    async getSession() {
      const { session, error } = await page.evaluate(async () => {
        const { edgeAuth } = window as unknown as EdgeAuthWindow
        return { session: await edgeAuth.getSession(), error: edgeAuth.state().sessionError }
      })
      if (error !== null) throw new Error(`get-session failed in the page: ${error}`)
      return session
    },
    diagnose: () => page.evaluate(() => (window as unknown as EdgeAuthWindow).edgeAuth.diagnose()),
    refresh: () => page.evaluate(() => (window as unknown as EdgeAuthWindow).edgeAuth.refresh()),
    probeThirdPartyCookies: (origin) =>
      page.evaluate((o) => (window as unknown as EdgeAuthWindow).edgeAuth.probeThirdPartyCookies(o), origin),
    async reload() {
      await page.reload()
      return driver.ready()
    },
    async setCookiesOf(pathEnd, action) {
      const responded = page.waitForResponse(
        (r) => new URL(r.url()).pathname.endsWith(pathEnd) && r.request().method() !== 'OPTIONS',
      )
      const result = await action()
      const response = await responded
      const setCookies = (await response.headersArray())
        .filter((h) => h.name.toLowerCase() === 'set-cookie')
        .map((h) => h.value)
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
export async function openPage(
  browser: Browser,
  url: string,
): Promise<{ context: BrowserContext; driver: PageDriver; errors: string[] }> {
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
