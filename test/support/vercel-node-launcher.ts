/**
 * Stands in for Vercel's Node.js launcher, run in a child process per instance (as each Vercel
 * Node function instance is a process of its own):
 * `node --experimental-strip-types test/support/vercel-node-launcher.ts <function dir>`.
 *
 * What it does, as the Build Output API contract describes a Node.js function: reads the
 * function's `.vc-config.json` (`runtime: nodejsNN.x`, `launcherType: Nodejs`, `handler`), imports
 * the handler module from the function directory (nothing else: the build is self-contained),
 * takes its default export's `fetch` (the Web handler form of Vercel's Node.js runtime), and
 * answers each HTTP request on 127.0.0.1 with it, converting Node's request to a Web `Request` and
 * the `Response` back with @hono/node-server (without replacing the global Request/Response, as
 * Vercel does not). Like Vercel's launcher it publishes a request context under
 * `Symbol.for('@vercel/request-context')` whose `waitUntil` (what `@vercel/functions` calls) keeps
 * background work alive past the response; on SIGTERM it stops accepting requests, waits for that
 * work and exits 0. What it does not reproduce: Vercel's proxy headers (x-forwarded-for, x-real-ip),
 * HTTPS and Fluid compute's sharing of one instance between concurrent requests across regions.
 *
 * Prints one JSON line when listening: `{"event":"listening","url":"http://127.0.0.1:PORT"}`.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { getRequestListener } from '@hono/node-server'

interface NodeVcConfig {
  runtime?: string
  handler?: string
  launcherType?: string
}

interface RequestContext {
  waitUntil(promise: Promise<unknown>): void
}

type WebHandler = { fetch(request: Request): Response | Promise<Response> }

/** Reads the function's `.vc-config.json`, checking it is a Node.js function. */
function readNodeFunction(functionDir: string): Required<NodeVcConfig> {
  const config = JSON.parse(readFileSync(join(functionDir, '.vc-config.json'), 'utf8')) as NodeVcConfig
  if (!/^nodejs\d+\.x$/.test(config.runtime ?? '') || config.launcherType !== 'Nodejs' || !config.handler)
    throw new Error(`${functionDir} is not a Node.js function: ${JSON.stringify(config)}`)
  return config as Required<NodeVcConfig>
}

async function loadHandler(functionDir: string, handlerFile: string): Promise<WebHandler> {
  const module = (await import(pathToFileURL(join(functionDir, handlerFile)).href)) as { default?: unknown }
  const handler = module.default as Partial<WebHandler> | undefined
  if (typeof handler?.fetch !== 'function')
    throw new TypeError(`${handlerFile} has no default export with a fetch method (a Web handler)`)
  return handler as WebHandler
}

async function main(functionDir: string): Promise<void> {
  const config = readNodeFunction(functionDir)
  const requestContext = new AsyncLocalStorage<RequestContext>()
  const background = new Set<Promise<unknown>>()
  Object.assign(globalThis, {
    [Symbol.for('@vercel/request-context')]: { get: () => requestContext.getStore() ?? {} },
  })
  const handler = await loadHandler(functionDir, config.handler)
  const context: RequestContext = {
    waitUntil(promise) {
      const tracked: Promise<unknown> = promise.catch(() => {}).finally(() => background.delete(tracked))
      background.add(tracked)
    },
  }
  const listener = getRequestListener((request) => requestContext.run(context, () => handler.fetch(request)), {
    overrideGlobalObjects: false,
  })
  const server = createServer(listener)
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    console.log(JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${port}` }))
  })
  process.once('SIGTERM', () => {
    server.close(async (error) => {
      await Promise.allSettled(background)
      process.exit(error ? 1 : 0)
    })
    server.closeIdleConnections()
  })
}

const functionDir = process.argv[2]
if (!functionDir) {
  console.error('usage: vercel-node-launcher.ts <function dir>')
  process.exit(2)
}
await main(functionDir)
