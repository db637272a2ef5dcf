/**
 * The service for browser tests: the wrangler-built Worker in workerd on a fixed loopback port
 * (BETTER_AUTH_URL must name it before the Worker starts), over HTTPS with a test certificate
 * when asked, restartable on the same port with other bindings against the same database.
 */
import { request as httpsRequest } from 'node:https'
import type { Miniflare } from 'miniflare'
import type { LocalNeon } from '../../db/local-neon/index.ts'
import type { TestDatabase } from './backends.ts'
import { serviceBindings } from './service.ts'
import type { TestCertificate } from './tls.ts'
import { createWorkerMiniflare, freePort } from './worker.ts'

async function startMiniflare(
  bindings: Record<string, string>,
  port: number,
  tls: TestCertificate | undefined,
): Promise<Miniflare> {
  const mf = createWorkerMiniflare(bindings, { port, tls })
  await mf.ready
  return mf
}

export interface BrowserService {
  /** What the browser calls, e.g. `https://auth.site.test:41234`; also BETTER_AUTH_URL. */
  readonly origin: string
  readonly port: number
  readonly endpoint: LocalNeon
  /** The bindings the running Worker got. */
  readonly bindings: Readonly<Record<string, string>>
  /**
   * Replaces the Worker (a new isolate, same port and database). `undefined` removes a binding,
   * e.g. `{ BETTER_AUTH_SECRET: undefined, BETTER_AUTH_SECRETS: '2:…,1:…' }`.
   */
  restart(changes: Record<string, string | undefined>): Promise<void>
  /** GET from Node (not the browser), straight to the loopback port; the certificate is not checked. */
  get(path: string): Promise<{ status: number; body: unknown }>
  stop(): Promise<void>
}

/**
 * @example
 * const service = await startBrowserService(backendNamed('pglite'), {
 *   host: 'auth.site.test', tls, bindings: { TRUSTED_ORIGINS: 'https://docs.site.test:4443' },
 * })
 */
export async function startBrowserService(
  backend: TestDatabase,
  options: { host: string; tls?: TestCertificate; bindings: Record<string, string | undefined> },
): Promise<BrowserService> {
  const port = await freePort()
  const origin = `${options.tls ? 'https' : 'http'}://${options.host}:${port}`
  const endpoint = await backend.start()
  let bindings = applyChanges(serviceBindings(endpoint, { BETTER_AUTH_URL: origin }), options.bindings)
  let mf: Miniflare
  try {
    mf = await startMiniflare(bindings, port, options.tls)
  } catch (error) {
    await endpoint.close()
    throw error
  }
  const scheme = options.tls ? 'https' : 'http'
  return {
    origin,
    port,
    endpoint,
    get bindings() {
      return bindings
    },
    async restart(changes) {
      await mf.dispose()
      bindings = applyChanges(bindings, changes)
      mf = await startMiniflare(bindings, port, options.tls)
    },
    async get(path) {
      const url = `${scheme}://127.0.0.1:${port}${path}`
      if (!options.tls) {
        const response = await fetch(url)
        return { status: response.status, body: await response.json() }
      }
      return new Promise((resolve, reject) => {
        const request = httpsRequest(
          url,
          { rejectUnauthorized: false, headers: { host: `${options.host}:${port}` } },
          (response) => {
            const chunks: Buffer[] = []
            response.on('data', (chunk: Buffer) => chunks.push(chunk))
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
            )
            response.on('error', reject)
          },
        )
        request.on('error', reject)
        request.end()
      })
    },
    async stop() {
      await mf.dispose()
      await endpoint.close()
    },
  }
}

function applyChanges(
  base: Record<string, string>,
  changes: Record<string, string | undefined>,
): Record<string, string> {
  const next = { ...base }
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete next[name]
    else next[name] = value
  }
  return next
}
