/**
 * The service's rate limits and sign-in throttle on BetterAuth's routes (limits/): a counted
 * request over budget is answered 429 (503 when the shared store did not answer) before the route.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv, ServiceContext } from '../context.ts'

export function rateLimits({ limits }: ServiceContext): MiddlewareHandler<AppEnv> {
  return async function rateLimits(c, next) {
    const admission = await limits.admit(c.req.raw, c.req.path, c.var.credentials)
    if (!admission) return next()
    if (admission.refusal) return admission.refusal
    await next()
    admission.settle(c.res.status)
  }
}
