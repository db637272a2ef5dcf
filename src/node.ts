/**
 * Node entry (`npm start`, or `node src/node.ts` on Node 24): the same app on `@hono/node-server`.
 * The environment is `process.env`, the same object on every request. `PORT` (default 8787) and
 * `HOST` (default: every interface) choose where it listens; SIGINT/SIGTERM stop accepting new
 * connections, let requests in flight and their background work finish (at most 10 s), then exit.
 *
 * The client's address is the socket peer; when TRUST_PROXY names that peer, the X-Forwarded-For
 * hop it vouches for (http/client-address.ts). On start it prints one JSON line: `{"event":"listening","url":"http://127.0.0.1:8787"}`. It prunes
 * the auth event log (AUTH_EVENT_RETENTION_DAYS) on start and every 6 hours.
 *
 * @example
 * // PORT=8787 BETTER_AUTH_SECRET=… BETTER_AUTH_URL=http://localhost:8787 DATABASE_URL=postgres://… node src/node.ts
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { AddressInfo } from 'node:net'
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server'
import { createApp } from './app.ts'
import type { EnvBindings } from './config/env.ts'
import { createContextResolver } from './context.ts'
import { forwardedClient } from './http/client-address.ts'
import { logEvent } from './logging.ts'
import type { Platform } from './platform/index.ts'
import { nodeSmtpTransport } from './platform/smtp-node.ts'
import { pruneAuthEvents } from './routes/prune.ts'

const DEFAULT_PORT = 8787
const SHUTDOWN_GRACE_MS = 10_000
const PRUNE_INTERVAL_MS = 6 * 60 * 60 * 1000

function listenPort(value: string | undefined): number {
  if (!value?.trim()) return DEFAULT_PORT
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(JSON.stringify({ event: 'invalid_port', problem: 'PORT must be an integer between 0 and 65535' }))
    process.exit(1)
  }
  return port
}

/** Background work runs beside the response, never before it; shutdown waits for what is still running. */
const background = new Set<Promise<unknown>>()
/**
 * Each request's socket peer, for as long as its handling runs. Not keyed by the Request: the
 * body limit (a chunked body), the credential upgrade and others hand the routes a new Request,
 * and a peer lost that way would leave the request uncounted by address.
 */
const peers = new AsyncLocalStorage<string | undefined>()
const platform: Platform = {
  runtime: 'Node',
  smtp: nodeSmtpTransport,
  clientAddress: (request, trustProxy) =>
    forwardedClient(peers.getStore(), request.headers.get('x-forwarded-for'), trustProxy),
  waitUntil(promise) {
    const tracked: Promise<unknown> = promise
      .catch((error: unknown) => logEvent('error', 'background_task_failed', { error }))
      .finally(() => background.delete(tracked))
    background.add(tracked)
  },
}

const resolveContext = createContextResolver(platform)
const app = createApp(platform, resolveContext)
const env = process.env as EnvBindings

function prune(): void {
  const result = resolveContext(env)
  if (result.ok) platform.waitUntil(pruneAuthEvents(result.service))
}
const hostname = process.env.HOST?.trim() || undefined

const server = serve(
  {
    fetch(request, { incoming }: HttpBindings | Http2Bindings) {
      return peers.run(incoming.socket.remoteAddress, () => app.fetch(request, env))
    },
    port: listenPort(process.env.PORT),
    hostname,
  },
  (info: AddressInfo) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
    console.log(JSON.stringify({ event: 'listening', url: `http://${host}:${info.port}` }))
    prune()
  },
)
const pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS)
pruneTimer.unref()

let stopping = false
function shutdown(signal: NodeJS.Signals): void {
  if (stopping) return
  stopping = true
  clearInterval(pruneTimer)
  console.log(JSON.stringify({ event: 'shutdown', signal }))
  const forced = setTimeout(() => {
    console.error(JSON.stringify({ event: 'shutdown_forced', afterMs: SHUTDOWN_GRACE_MS }))
    process.exit(1)
  }, SHUTDOWN_GRACE_MS)
  forced.unref()
  server.close(async (error) => {
    await Promise.allSettled(background)
    clearTimeout(forced)
    process.exit(error ? 1 : 0)
  })
  if ('closeIdleConnections' in server) server.closeIdleConnections()
}

process.once('SIGINT', shutdown)
process.once('SIGTERM', shutdown)
