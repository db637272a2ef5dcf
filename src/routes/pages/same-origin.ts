/**
 * The pages' defence against cross-site form posts: a POST must come from the service's own
 * origin. `Referrer-Policy: no-referrer` makes Chromium send `Origin: null` for a page's own
 * forms, so a null (or absent) Origin passes only with `Sec-Fetch-Site: same-origin`, which a
 * browser sets itself and no page can forge.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../context.ts'
import { HEADERS } from '../../http/headers.ts'

/** Whether a page's POST comes from one of the service's own pages. */
export function isSameOriginPost(c: Context<AppEnv>): boolean {
  const origin = c.req.header(HEADERS.origin)
  if (origin && origin !== 'null') return origin === c.var.service.config.baseURL
  return c.req.header(HEADERS.secFetchSite) === 'same-origin'
}
