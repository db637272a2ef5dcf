/**
 * Every public route of the service, read from the app itself: the Hono routes (`app.routes`) and
 * BetterAuth's endpoints (`auth.api`, each with `path` and `options.method`) under its base path.
 * A route another module adds (a Hono route, a BetterAuth plugin's endpoint) is in the list without
 * anyone naming it; the fuzz (test/in-process/fuzz.test.ts) covers it from then on.
 */
import { createApp } from '../../src/app.ts'
import type { EnvBindings } from '../../src/config/env.ts'
import { createContextResolver } from '../../src/context.ts'

export interface PublicRoute {
  /** An HTTP method, e.g. `GET`. */
  readonly method: string
  /** A path template with `:name` parameters, e.g. `/api/users/:userId/sessions`. */
  readonly path: string
  /** Who answers it: a Hono route of ours, or BetterAuth's handler. */
  readonly owner: 'hono' | 'better-auth'
  /** The body and query fields its schema names (BetterAuth's endpoints), for the fuzz to aim at. */
  readonly fields: readonly string[]
  readonly queryKeys: readonly string[]
}

/** The keys of an object schema (zod's `shape`), or none. */
function schemaKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: unknown } | undefined)?.shape
  return shape && typeof shape === 'object' ? Object.keys(shape) : []
}

export interface RouteMap {
  readonly routes: readonly PublicRoute[]
  /** Wildcard mounts (`/api/auth/`, `/api/users/:userId/`), for paths no route names. */
  readonly prefixes: readonly string[]
}

const NO_PLATFORM = { waitUntil: () => undefined }

/**
 * The routes of the app configured by `bindings`.
 *
 * @example
 * const { routes } = publicRoutes(service.bindings)
 * routes.find((r) => r.path === '/api/auth/sign-in/email') // { method: 'POST', … }
 */
export function publicRoutes(bindings: EnvBindings): RouteMap {
  const context = createContextResolver(NO_PLATFORM)(bindings)
  if (!context.ok) throw new Error(`the configuration is invalid: ${JSON.stringify(context.problems)}`)
  const { auth } = context.service
  const basePath = auth.options.basePath ?? '/api/auth'

  const seen = new Set<string>()
  const routes: PublicRoute[] = []
  const prefixes = new Set<string>()
  const add = (route: PublicRoute) => {
    const key = `${route.method} ${route.path}`
    if (seen.has(key)) return
    seen.add(key)
    routes.push(route)
  }
  const hono = (method: string, path: string) => add({ method, path, owner: 'hono', fields: [], queryKeys: [] })

  const honoRoutes = createApp(NO_PLATFORM).routes
  for (const route of honoRoutes) {
    if (route.path.endsWith('/*')) {
      // Middleware and mounts; `/*` is every path, the others are prefixes worth probing.
      if (route.path !== '/*') prefixes.add(route.path.slice(0, -1))
    } else if (route.method !== 'ALL') {
      hono(route.method, route.path)
    }
  }
  // `ALL` on a path is middleware in front of its routes, unless it is the only route there.
  for (const route of honoRoutes) {
    if (route.method === 'ALL' && !route.path.endsWith('/*') && !routes.some((r) => r.path === route.path))
      hono('GET', route.path)
  }
  type Endpoint = { path?: string; options?: { method?: string | string[]; body?: unknown; query?: unknown } }
  for (const endpoint of Object.values(auth.api) as Endpoint[]) {
    if (!endpoint.path) continue // server-only: no HTTP route
    const methods = endpoint.options?.method ?? 'GET'
    for (const method of Array.isArray(methods) ? methods : [methods]) {
      add({
        method: method === '*' ? 'GET' : method,
        path: `${basePath}${endpoint.path}`,
        owner: 'better-auth',
        fields: schemaKeys(endpoint.options?.body),
        queryKeys: schemaKeys(endpoint.options?.query),
      })
    }
  }
  return { routes, prefixes: [...prefixes] }
}
