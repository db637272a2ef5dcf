/**
 * The hosted pages (docs/pages.md): sign-in, sign-up, the verification landing, forgot and reset
 * password, sign-in by emailed code, and the account page, rendered on the service's own origin
 * where every cookie is first-party. Every page works without script: forms post here, then
 * redirect to a GET. With PAGES=off every path answers the JSON 404 of an unknown route.
 */
import type { MiddlewareHandler } from 'hono'
import { Hono } from 'hono/tiny'
import type { EnvBindings } from '../../config/env.ts'
import type { AppEnv, ContextResult } from '../../context.ts'
import { handleNotFound } from '../../errors.ts'
import { limitBody } from '../../middleware/body-limit.ts'
import { accountPages } from './account.ts'
import { passwordPages } from './password.ts'
import { currentSession, errorsAsPages } from './route.ts'
import { signInPages } from './sign-in.ts'

const PAGES = ['/sign-in', '/sign-up', '/verified', '/forgot-password', '/reset-password', '/account', '/sign-out']

/**
 * The paths the pages answer, for the middlewares app.ts mounts in front of them: each page and
 * everything below it, so a person who mistypes a page's path gets a page too.
 */
export const PAGE_PATHS = PAGES.flatMap((page) => [page, `${page}/*`])

const pagesOn: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.var.service.config.pages.enabled) return handleNotFound(c)
  await next()
}

export function pagesRoutes() {
  const routes = new Hono<AppEnv>()
  for (const path of PAGE_PATHS) routes.use(path, pagesOn, errorsAsPages, limitBody())
  signInPages(routes)
  passwordPages(routes)
  accountPages(routes)
  return routes
}

/**
 * `GET /` for a person: the account page when signed in, else sign-in; a mailed link that failed
 * without a frontend (`/?error=INVALID_TOKEN`) to the verification landing, which explains it.
 * With pages off or an invalid configuration, the next handler (the developer's page) answers.
 */
export function pagesRoot(resolveContext: (env: EnvBindings) => ContextResult): MiddlewareHandler<AppEnv> {
  return async function root(c, next) {
    const result = resolveContext(c.env)
    if (!result.ok || !result.service.config.pages.enabled) return next()
    const error = c.req.query('error')
    if (error) return c.redirect(`/verified?${new URLSearchParams({ error })}`, 303)
    c.set('service', result.service)
    const session = await currentSession(c)
    return c.redirect(session ? '/account' : '/sign-in', 303)
  }
}
