/**
 * The frontend origin of the browser tests: a small Node server that serves the test page
 * (any path, so it can also be a hand-off callback), the page's script bundled with esbuild,
 * and `/probe/*`, a cookie probe for checking what the browser does with third-party cookies.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { codeBlock, DOCS_SERVICE_URL, replaceExactly } from '../../support/docs.ts'
import type { TestCertificate } from '../../support/tls.ts'
import type { PageConfig } from './api.ts'

const entry = fileURLToPath(new URL('./app.ts', import.meta.url))
const pageDir = fileURLToPath(new URL('.', import.meta.url))
let bundle: Promise<string> | undefined

const SNIPPETS: Readonly<Record<string, () => string>> = {
  'readme:sign-in': () =>
    codeBlock('docs/social-sign-in.md', '# Sign-in with GitHub, Google or any OpenID provider', 'ts'),
  // The service's origin is the page server's to tell, when the page loads.
  'readme:email': () =>
    replaceExactly(
      codeBlock('docs/email.md', '# Email verification, password reset and sign-in codes', 'ts'),
      `baseURL: '${DOCS_SERVICE_URL}',`,
      'baseURL: (window as unknown as { EDGE_AUTH_PAGE: { serviceOrigin: string } }).EDGE_AUTH_PAGE.serviceOrigin,',
      1,
    ),
}

/**
 * The documentation's snippets (docs/email.md, docs/social-sign-in.md) as written, with nothing changed but the service's origin: `readme:email`
 * (its `src/lib/auth.ts`, the page's one client) and `readme:sign-in`, whose `./auth` is the
 * page's auth.ts.
 */
const readmeSnippets: Plugin = {
  name: 'readme-snippets',
  setup(build) {
    build.onResolve({ filter: /^readme:/ }, (args) => ({ path: args.path, namespace: 'readme' }))
    build.onLoad({ filter: /.*/, namespace: 'readme' }, (args) => {
      const snippet = SNIPPETS[args.path]
      if (!snippet) throw new Error(`no documentation snippet ${args.path}`)
      return { contents: snippet(), loader: 'ts', resolveDir: pageDir }
    })
  },
}

/**
 * The page script: app.ts with `edge-auth/client` (and BetterAuth's client under it) as one IIFE,
 * built once per process. The `edge-auth-source` condition resolves `edge-auth/client` to
 * src/client/, so the page runs the client as it is in this tree, never a stale dist/ build.
 */
export function pageBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [entry],
    bundle: true,
    conditions: ['edge-auth-source'],
    plugins: [readmeSnippets],
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text)
  return bundle
}

function html(config: PageConfig): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>edge-auth: ${config.mode}</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 24px; color: #111; }
  h1 { font-size: 20px; margin: 0 0 12px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid #ddd; }
  th { width: 190px; color: #444; font-weight: 600; }
  td.good { color: #0a6b22; font-weight: 600; }
  td.bad { color: #b00020; font-weight: 600; }
</style>
</head>
<body data-session="unknown">
<h1>edge-auth browser test page: ${config.mode}</h1>
<div id="state">loading...</div>
<script>window.EDGE_AUTH_PAGE = ${json}</script>
<script src="/app.js"></script>
</body>
</html>
`
}

function probe(request: IncomingMessage, response: ServerResponse, path: string) {
  const origin = request.headers.origin
  if (origin) {
    response.setHeader('access-control-allow-origin', origin)
    response.setHeader('access-control-allow-credentials', 'true')
  }
  response.setHeader('cache-control', 'no-store')
  response.setHeader('content-type', 'application/json')
  if (path === '/probe/set') {
    response.setHeader('set-cookie', [
      'probe=1; Path=/; Secure; SameSite=None',
      'probe_partitioned=1; Path=/; Secure; SameSite=None; Partitioned',
    ])
    response.end('{}')
  } else {
    response.end(JSON.stringify({ cookie: request.headers.cookie ?? '' }))
  }
}

export interface PageServer {
  readonly port: number
  /** e.g. `https://docs.site.test:41235`. */
  readonly origin: string
  /** Set before the browser loads the page (the service's origin is known after the page's). */
  config: PageConfig
  close(): Promise<void>
}

/**
 * @example
 * const page = await startPageServer({ host: 'docs.site.test', tls })
 * page.config = { mode: 'same-site', serviceOrigin: service.url }
 */
export async function startPageServer(options: { host: string; tls?: TestCertificate }): Promise<PageServer> {
  const script = await pageBundle()
  let config: PageConfig | undefined
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://page').pathname
    if (path.startsWith('/probe/')) return probe(request, response, path)
    if (path === '/app.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' })
      return response.end(script)
    }
    if (path === '/favicon.ico') {
      response.writeHead(204)
      return response.end()
    }
    if (!config) {
      response.writeHead(503, { 'content-type': 'text/plain' })
      return response.end('page not configured')
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    response.end(html(config))
  }
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    origin: `${options.tls ? 'https' : 'http'}://${options.host}:${port}`,
    get config() {
      if (!config) throw new Error('page not configured')
      return config
    },
    set config(value) {
      config = value
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
