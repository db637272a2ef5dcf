/**
 * Mounts a middleware whose options come from the service context (one per environment, so one
 * per configuration): the factory runs once per context, on its first request, and every later
 * request of that context reuses what it built.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv, ServiceContext } from '../context.ts'

export function perContext(factory: (service: ServiceContext) => MiddlewareHandler): MiddlewareHandler<AppEnv> {
  const built = new WeakMap<ServiceContext, MiddlewareHandler>()
  return function compiledPerContext(c, next) {
    const { service } = c.var
    let middleware = built.get(service)
    if (!middleware) {
      middleware = factory(service)
      built.set(service, middleware)
    }
    return middleware(c, next)
  }
}
