/**
 * The HTTP routes of local-neon, as a plain `node:http` request listener:
 *
 * - `POST /sql` — Neon's SQL-over-HTTP endpoint (what `neonConfig.fetchEndpoint` points at)
 * - `GET /_stats` — round-trip counters per connection string
 * - `POST /_stats/reset` — zero the counters
 *
 * Every answer is JSON; nothing a client sends can crash the process.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Backend } from './backend.ts'
import { toPostgresError } from './backend.ts'
import { executeBatch, executeSingle } from './execute.ts'
import type { Faults } from './faults.ts'
import type { SqlRequest } from './protocol.ts'
import { ProtocolError, parseSqlRequest, toNeonError, toNeonResult } from './protocol.ts'
import type { Stats } from './stats.ts'
import { statsKey } from './stats.ts'

type Deps = { backend: Backend; stats: Stats; faults: Faults }

/** Largest request body accepted (Neon's proxy also caps request size). */
const maxBodyBytes = 10 * 1024 * 1024

/** Path of the SQL endpoint. */
export const sqlPath = '/sql'

/**
 * Builds the request listener serving `backend` and counting into `stats`.
 *
 * @example
 * const server = http.createServer(createRequestListener({ backend, stats, faults: createFaults() }))
 */
export function createRequestListener(deps: Deps) {
  return function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    route(deps, req, res).catch(function answerUnexpected(error: unknown) {
      // Not a Postgres error: e.g. the real server is unreachable. Neon answers those with a 5xx too.
      const message = error instanceof Error ? error.message : String(error)
      console.error(`local-neon: ${message}`)
      if (!res.headersSent) sendJson(res, 500, { message: `local-neon: ${message}` })
      else res.destroy()
    })
  }
}

async function route(deps: Deps, req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? '/', 'http://local-neon').pathname
  if (path === sqlPath) {
    if (req.method !== 'POST') return sendJson(res, 405, { message: 'use POST for /sql' }, { Allow: 'POST' })
    return handleSql(deps, req, res)
  }
  if (path === '/_stats') {
    if (req.method !== 'GET') return sendJson(res, 405, { message: 'use GET for /_stats' }, { Allow: 'GET' })
    return sendJson(res, 200, deps.stats.snapshot())
  }
  if (path === '/_stats/reset') {
    if (req.method !== 'POST') return sendJson(res, 405, { message: 'use POST for /_stats/reset' }, { Allow: 'POST' })
    deps.stats.reset()
    return sendJson(res, 200, deps.stats.snapshot())
  }
  return sendJson(res, 404, { message: `no route for ${path}` })
}

async function handleSql(deps: Deps, req: IncomingMessage, res: ServerResponse) {
  let request: SqlRequest
  try {
    const body = await readBody(req)
    request = parseSqlRequest((name) => firstHeader(req, name), body)
  } catch (error) {
    if (error instanceof ProtocolError) return sendJson(res, error.status, { message: error.message })
    throw error
  }

  const key = statsKey(request.connectionString)
  const statements = request.kind === 'single' ? [request.statement] : request.statements
  const fault = deps.faults.forRequest(statements)
  if (deps.faults.latencyMs > 0) await sleep(deps.faults.latencyMs)
  if (fault.kind === 'hang') await fault.released
  if (fault.kind === 'delay') await sleep(fault.ms)
  if (fault.kind === 'drop') return void req.socket.destroy()
  if (fault.kind === 'http') return sendJson(res, fault.status, { message: 'local-neon: injected failure' })
  const [first, ...rest] = deps.faults.rewrite(statements)
  deps.stats.recordStatements(statements.map((statement) => statement.query))
  try {
    if (request.kind === 'single') {
      deps.stats.recordQuery(key)
      const result = await executeSingle(deps.backend, { ...request.statement, ...first! })
      return sendJson(res, 200, toNeonResult(result, request.statement.arrayMode))
    }
    deps.stats.recordBatch(key, request.statements.length)
    const results = await executeBatch(deps.backend, [first!, ...rest], request.options)
    const body = { results: results.map((result, i) => toNeonResult(result, request.statements[i]?.arrayMode ?? true)) }
    return sendJson(res, 200, body, batchEchoHeaders(request))
  } catch (error) {
    deps.stats.recordError(key)
    const pgError = toPostgresError(error)
    if (!pgError) throw error
    return sendJson(res, 400, toNeonError(pgError))
  }
}

/** Neon echoes the batch transaction options back as response headers. */
function batchEchoHeaders(request: SqlRequest & { kind: 'batch' }): Record<string, string> {
  const headers: Record<string, string> = {}
  if (request.options.readOnly) headers['Neon-Batch-Read-Only'] = 'true'
  if (request.options.deferrable) headers['Neon-Batch-Deferrable'] = 'true'
  if (request.options.isolationLevel) headers['Neon-Batch-Isolation-Level'] = request.options.isolationLevel
  return headers
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    size += buffer.length
    // Keep draining an oversized body (without storing it) so the 413 can still be delivered.
    if (size <= maxBodyBytes) chunks.push(buffer)
  }
  if (size > maxBodyBytes) throw new ProtocolError(413, `request body larger than ${maxBodyBytes} bytes`)
  return Buffer.concat(chunks).toString('utf8')
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    'Access-Control-Allow-Origin': '*',
    ...headers,
  })
  res.end(payload)
}
