/**
 * A downstream API in its own process, trusting edge-auth's users through the published JWKS.
 * Run: `node test/support/downstream.ts` with JWKS_URL, ISSUER, AUDIENCE (and optionally
 * CACHE_MAX_AGE_MS); it prints `listening <port>` and answers `GET /me`.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { type AccessTokenVariables, accessTokenMiddleware } from '../../src/verify/index.ts'

export interface Downstream {
  readonly url: string
  stop(): Promise<void>
}

/**
 * Starts the downstream process against a service's JWKS.
 *
 * @example
 * const api = await startDownstream({ jwksUrl, issuer, audience })
 * await fetch(`${api.url}/me`, { headers: { authorization: `Bearer ${jwt}` } })
 */
export async function startDownstream(options: {
  jwksUrl: string
  issuer: string
  audience: string
  cacheMaxAgeMs?: number
}): Promise<Downstream> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    env: {
      ...process.env,
      JWKS_URL: options.jwksUrl,
      ISSUER: options.issuer,
      AUDIENCE: options.audience,
      CACHE_MAX_AGE_MS: String(options.cacheMaxAgeMs ?? ''),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`downstream exited with ${code}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString())
      if (match) resolve(Number(match[1]))
    })
  })
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit')
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cacheMaxAge = Number(process.env.CACHE_MAX_AGE_MS)
  const app = new Hono<{ Variables: AccessTokenVariables }>()
  app.use(
    '/me',
    accessTokenMiddleware({
      jwksUrl: process.env.JWKS_URL!,
      issuer: process.env.ISSUER!,
      audience: process.env.AUDIENCE!,
      ...(cacheMaxAge > 0 ? { cacheMaxAgeMs: cacheMaxAge } : {}),
    }),
  )
  app.get('/me', (c) => c.json({ claims: c.var.accessToken }))
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
    console.log(`listening ${info.port}`),
  )
  process.on('SIGTERM', () => server.close(() => process.exit(0)))
}
