/**
 * Loopback plumbing for a service that must know its own URL before it starts (BETTER_AUTH_URL
 * names it): a port held for the service's whole life, whose connections go to whichever instance
 * runs now, and a fetch for the URL the browser uses (`https://auth.site.test:41234`), which
 * connects to 127.0.0.1 instead of resolving the name.
 *
 * Holding the port is what makes this safe next to other test processes: a port that is found
 * free, released, and bound again later by workerd can be taken in between by anyone.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect, createServer, isIP, type Socket } from 'node:net'
import { Readable } from 'node:stream'

export interface FixedPort {
  readonly port: number
  /** Sends the connections that arrive from now on to this port on 127.0.0.1. */
  forwardTo(port: number): void
  /** Stops listening and cuts every connection. */
  close(): Promise<void>
}

/**
 * Listens on a free port of 127.0.0.1 and relays each connection, byte for byte (TLS included), to
 * the current instance's port.
 *
 * @example
 * const fixed = await openFixedPort()
 * const mf = createWorkerMiniflare({ BETTER_AUTH_URL: `http://127.0.0.1:${fixed.port}` })
 * fixed.forwardTo(Number(new URL(await mf.ready).port))
 */
export async function openFixedPort(): Promise<FixedPort> {
  let upstream: number | undefined
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  const server = createServer((client) => {
    track(client)
    if (upstream === undefined) return void client.destroy()
    const instance = connect(upstream, '127.0.0.1')
    track(instance)
    client.once('error', () => instance.destroy())
    instance.once('error', () => client.destroy())
    client.pipe(instance).pipe(client)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    port: (server.address() as { port: number }).port,
    forwardTo(port) {
      upstream = port
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A port of 127.0.0.1 free a moment ago (a taken one fails a start, which callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts a program that must be told its port before it binds it (`PORT=…`, `--port …`), on a
 * port of 127.0.0.1 that was free a moment ago. Anyone may take that port before the program binds
 * it: when `start` fails and `taken(error)` says that is why, it starts again on another port (at
 * most `attempts` times in all). `start` cleans up after itself when it fails. A service started
 * by `startService` never needs this.
 *
 * @example
 * const api = await startOnFreePort(
 *   (port) => startApi(port), // rejects with the program's output when it exits early
 *   (error) => /address already in use/i.test(String(error)),
 * )
 */
export async function startOnFreePort<T>(
  start: (port: number) => Promise<T>,
  taken: (error: unknown) => boolean,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await freePort())
    } catch (error) {
      if (attempt >= attempts || !taken(error)) throw error
    }
  }
}

function toResponse(incoming: IncomingMessage, method: string): Response {
  const headers = new Headers()
  for (let i = 0; i < incoming.rawHeaders.length; i += 2)
    headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!)
  const status = incoming.statusCode ?? 0
  const bodiless = method === 'HEAD' || [204, 205, 304].includes(status)
  if (bodiless) incoming.resume()
  return new Response(bodiless ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>), {
    status,
    statusText: incoming.statusMessage,
    headers,
  })
}

/**
 * `fetch(url, init)` sent to 127.0.0.1 at the URL's port, with the URL's host in `Host` and as
 * the TLS server name; over HTTPS the server's certificate must be signed by (or be) `ca`.
 * Redirects are never followed.
 *
 * @example
 * const response = await loopbackFetch('https://auth.site.test:41234/health/auth', {}, tls.cert)
 */
export async function loopbackFetch(url: string, init: RequestInit = {}, ca?: string): Promise<Response> {
  const request = new Request(url, init)
  const target = new URL(url)
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined
  const headers: Record<string, string> = Object.fromEntries(request.headers)
  headers.host = target.host
  if (body) headers['content-length'] = String(body.length)
  const https = target.protocol === 'https:'
  const options = {
    host: '127.0.0.1',
    port: Number(target.port || (https ? 443 : 80)),
    path: `${target.pathname}${target.search}`,
    method: request.method,
    headers,
    ...(https ? { ca, ...(isIP(target.hostname) ? {} : { servername: target.hostname }) } : {}),
  }
  return new Promise<Response>((resolve, reject) => {
    const sent = (https ? httpsRequest : httpRequest)(options, (incoming) =>
      resolve(toResponse(incoming, request.method)),
    )
    sent.once('error', reject)
    sent.end(body)
  })
}
