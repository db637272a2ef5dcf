/**
 * A recording relay in front of a local endpoint: the service's NEON_HTTP_ENDPOINT points here,
 * every request goes on to the endpoint unchanged, and the SQL of each statement (single or in a
 * batch) is kept in order, so a test can tell which work the database was asked for, not only how
 * much.
 */
import { createServer } from 'node:http'
import type { LocalNeon } from '../../db/local-neon/index.ts'

export interface QueryLog {
  /** The relay's SQL endpoint, for NEON_HTTP_ENDPOINT. */
  readonly url: string
  /** The statements relayed since the start or the last `clear()`. */
  statements(): string[]
  clear(): void
  close(): Promise<void>
}

const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'])

/**
 * @example
 * const log = await startQueryLog(service.endpoint)
 * await service.restart({ NEON_HTTP_ENDPOINT: log.url })
 * log.statements().filter((sql) => sql.includes('"jwks"'))
 */
export async function startQueryLog(endpoint: LocalNeon): Promise<QueryLog> {
  let statements: string[] = []
  const server = createServer(async (request, response) => {
    try {
      const chunks: Buffer[] = []
      for await (const chunk of request) chunks.push(chunk as Buffer)
      const body = Buffer.concat(chunks)
      try {
        const sent = JSON.parse(body.toString('utf8')) as { query?: string; queries?: { query: string }[] }
        if (typeof sent.query === 'string') statements.push(sent.query)
        for (const statement of sent.queries ?? []) statements.push(statement.query)
      } catch {
        // Not JSON: the endpoint answers it as it would any malformed request.
      }
      const headers = new Headers()
      for (const [name, value] of Object.entries(request.headers))
        if (!HOP_HEADERS.has(name) && typeof value === 'string') headers.set(name, value)
      const answer = await fetch(`${new URL(endpoint.url).origin}${request.url}`, {
        method: request.method,
        headers,
        ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
      })
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
      response.end(Buffer.from(await answer.arrayBuffer()))
    } catch (error) {
      response.writeHead(502, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ message: `query log relay: ${(error as Error).message}` }))
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}${new URL(endpoint.url).pathname}`,
    statements: () => [...statements],
    clear() {
      statements = []
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
