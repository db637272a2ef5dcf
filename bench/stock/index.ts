/**
 * The stock service `npm run bench` compares edge-auth with: Hono's "Better Auth on Cloudflare"
 * example as written, BetterAuth's defaults (`better-auth`, email and password on, nothing else),
 * Drizzle over neon-http, and a BetterAuth instance built for each request from the bindings.
 * It shares edge-auth's tables (the core BetterAuth schema) so both run against one database.
 *
 * The one addition: `NEON_HTTP_ENDPOINT` points the Neon driver at the local endpoint, as it does
 * for edge-auth in the benchmark.
 */
import { neon, neonConfig } from '@neondatabase/serverless'
import { betterAuth } from 'better-auth'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import { drizzle } from 'drizzle-orm/neon-http'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { account, session, user, verification } from '../../db/schema.ts'

interface Bindings {
  BETTER_AUTH_SECRET: string
  BETTER_AUTH_URL: string
  DATABASE_URL: string
  NEON_HTTP_ENDPOINT?: string
  TRUSTED_ORIGIN?: string
}

function auth(env: Bindings) {
  if (env.NEON_HTTP_ENDPOINT) neonConfig.fetchEndpoint = env.NEON_HTTP_ENDPOINT
  const db = drizzle(neon(env.DATABASE_URL))
  return betterAuth({
    baseURL: env.BETTER_AUTH_URL,
    secret: env.BETTER_AUTH_SECRET,
    trustedOrigins: env.TRUSTED_ORIGIN ? [env.TRUSTED_ORIGIN] : [],
    database: drizzleAdapter(db, { provider: 'pg', schema: { user, session, account, verification } }),
    emailAndPassword: { enabled: true },
  })
}

const app = new Hono<{ Bindings: Bindings }>()

app.use('/api/auth/*', async (c, next) =>
  cors({
    origin: c.env.TRUSTED_ORIGIN ?? '',
    allowHeaders: ['Content-Type', 'Authorization'],
    allowMethods: ['POST', 'GET', 'OPTIONS'],
    exposeHeaders: ['Content-Length'],
    maxAge: 600,
    credentials: true,
  })(c, next),
)

app.on(['POST', 'GET'], '/api/auth/*', (c) => auth(c.env).handler(c.req.raw))

export default app
