/**
 * The service's rate limits and sign-in throttle on BetterAuth's routes (limits/): a counted
 * request over budget is answered 429 (503 when the shared store did not answer). The count rides
 * on the route's first database read, so the verdict comes after the route: its answer is
 * replaced, and nothing was written (database/carried.ts).
 */
import type { MiddlewareHandler } from 'hono'
import type { ServiceContext } from '../context.ts'

export function rateLimits({ limits }: ServiceContext): MiddlewareHandler {
  return async function rateLimits(c, next) {
    const admission = await limits.admit(c.req.raw, c.req.path)
    if (!admission) return next()
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
