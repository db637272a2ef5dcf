/**
 * A `Cookie` or `Authorization` header with a byte outside printable ASCII is refused with 400 JSON
 * in workerd, sent as raw bytes over a socket (fetch would refuse to send some of them), and nothing
 * workerd writes (its console and its own messages, through onLog) holds the header's value.
 */
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backendNamed } from '../support/backends.ts'
import { startService, type TestService } from '../support/service.ts'

/** One HTTP/1.1 request written byte for byte; resolves to the status line and the body. */
function rawRequest(url: string, header: Buffer): Promise<{ status: string; body: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        Buffer.concat([
          Buffer.from('GET /api/auth/get-session HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n'),
          header,
          Buffer.from('\r\n\r\n'),
        ]),
      )
    })
    let answer = ''
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')))
    socket.on('error', reject)
    socket.on('end', () =>
      resolve({ status: answer.slice(0, answer.indexOf('\r\n')), body: answer.slice(answer.indexOf('\r\n\r\n') + 4) }),
    )
  })
}

const MARKER = 'SecretMarker4711'

describe('credential headers with non-ASCII bytes on workerd', () => {
  const database = backendNamed('pglite')
  const lines: string[] = []
  let service: TestService
  beforeAll(async () => {
    service = await startService(database, {}, { onLog: (log) => void lines.push(log.message) })
  })
  afterAll(async () => {
    await service?.stop()
    await database.cleanup()
  })

  it.each([
    [
      'cookie',
      'UTF-8',
      Buffer.concat([Buffer.from(`Cookie: better-auth.session_token=${MARKER}`), Buffer.from('é.sig', 'utf8')]),
    ],
    ['cookie', 'Latin-1', Buffer.concat([Buffer.from(`Cookie: a=${MARKER}`), Buffer.from([0xff])])],
    [
      'authorization',
      'UTF-8',
      Buffer.concat([Buffer.from(`Authorization: Bearer ${MARKER}`), Buffer.from('ü', 'utf8')]),
    ],
  ])('refuses a %s header with a %s byte, before anything logs it', async (name, _encoding, header) => {
    const { status, body } = await rawRequest(service.url, header)
    expect(status).toBe('HTTP/1.1 400 Bad Request')
    expect(JSON.parse(body)).toMatchObject({ code: 'INVALID_CREDENTIAL_HEADER', header: name })
    expect(body).not.toContain(MARKER)
    // workerd's output arrives asynchronously: a request after it flushes what came before.
    expect((await service.request('/health')).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(lines.filter((line) => line.includes(MARKER))).toEqual([])
  })
})
