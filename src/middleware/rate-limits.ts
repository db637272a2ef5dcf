/**
 * The service's rate limits and sign-in throttle on BetterAuth's routes (limits/): a counted
 * request over budget is answered 429 (503 when the shared store did not answer). The count rides
 * on the route's first database read, so the verdict comes after the route: its answer is
 * replaced, and nothing was written (database/carried.ts).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv, ServiceContext } from '../context.ts'

const AUTH_BASE = '/api/auth'

/** Whether BetterAuth has an endpoint at this path below /api/auth: a made-up path is never counted (no database write). */
function knownPaths(api: object): (path: string) => boolean {
  const paths = Object.values(api).flatMap((endpoint) => {
    const path = (endpoint as { path?: unknown }).path
    return typeof path === 'string' ? [path] : []
  })
  const exact = new Set(paths.filter((path) => !path.includes(':')))
  const patterns = paths
    .filter((path) => path.includes(':'))
    .map((path) => new RegExp(`^${path.replace(/:[^/]+/g, '[^/]+')}$`))
  return (path) => exact.has(path) || patterns.some((pattern) => pattern.test(path))
}

export function rateLimits({ limits, auth }: ServiceContext): MiddlewareHandler<AppEnv> {
  const isKnown = knownPaths(auth.api)
  return async function rateLimits(c, next) {
    if (!isKnown(c.req.path.slice(AUTH_BASE.length))) return next()
    const admission = await limits.admit(c.req.raw, c.req.path, c.var.credentials)
    if (!admission) return next()
    if (admission.early) return admission.early
    await next()
    admission.send()
    const refusal = await admission.refusal
    if (refusal) {
      c.res = undefined // else Hono would merge the route's headers (its cookies) into the refusal
      c.res = refusal
      return
    }
    admission.settle(c.res.status)
  }
}
