/**
 * Request bodies on /api/* are limited to 64 KiB (413 JSON `PAYLOAD_TOO_LARGE`), whether the
 * client declares the length or streams the body chunked. The bodies here are sign-ins that
 * BetterAuth accepts at any size (it ignores the extra key), so only the limit refuses them.
 */
import { describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../../src/middleware/body-limit.ts'
import { uniqueEmail, useService } from '../support/service.ts'

const PASSWORD = 'correct horse battery'
const FRONTEND = 'http://localhost:3000'

/** A sign-in body of exactly `bytes` bytes: the credentials plus a padding key BetterAuth ignores. */
function signInBody(email: string, bytes: number): string {
  const bare = JSON.stringify({ email, password: PASSWORD, padding: '' })
  const padded = JSON.stringify({ email, password: PASSWORD, padding: 'x'.repeat(bytes - bare.length) })
  expect(Buffer.byteLength(padded)).toBe(bytes)
  return padded
}

/**
 * The body as a stream of 8 KiB chunks: Node's fetch sends it chunked, without Content-Length.
 * Once more than MAX_BODY_BYTES are out, it sends nothing more (the rest, or the end of the body)
 * until `release()`: a server that answers before the body ends closes the connection with the
 * rest unread, and a client still writing then would meet EPIPE or a reset instead of the answer.
 * So the test awaits the answer, which must come without the rest of the body, and then releases.
 */
function chunked(body: string) {
  const bytes = new TextEncoder().encode(body)
  let offset = 0
  let release = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset > MAX_BODY_BYTES) await released
      if (offset >= bytes.length) return controller.close()
      controller.enqueue(bytes.subarray(offset, offset + 8192))
      offset += 8192
    },
  })
  return { stream, release, sent: () => Math.min(offset, bytes.length) }
}

// The limit is the app's, before any database work; one backend is enough.
describe('the 64 KiB body limit on /api/*', () => {
  const running = useService('pglite')

  async function signUp(): Promise<string> {
    const email = uniqueEmail('limit')
    expect((await running.service.client().signUp(email, PASSWORD)).status).toBe(200)
    return email
  }

  function signIn(body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
    return fetch(`${running.service.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { origin: FRONTEND, 'content-type': 'application/json', ...headers },
      body,
      // Node's fetch needs this to send a stream.
      duplex: 'half',
    } as RequestInit)
  }

  async function expectTooLarge(response: Response) {
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect((await response.json()).code).toBe('PAYLOAD_TOO_LARGE')
  }

  it('accepts a sign-in of exactly 64 KiB and refuses one byte more with 413', async () => {
    const email = await signUp()
    const atLimit = await signIn(signInBody(email, MAX_BODY_BYTES))
    expect(atLimit.status, await atLimit.clone().text()).toBe(200)
    await expectTooLarge(await signIn(signInBody(email, MAX_BODY_BYTES + 1)))
  })

  it('counts a chunked body without Content-Length as it arrives', async () => {
    const email = await signUp()
    const small = await signIn(chunked(signInBody(email, 1024)).stream)
    expect(small.status, await small.clone().text()).toBe(200)
    for (const bytes of [MAX_BODY_BYTES + 1, 4 * MAX_BODY_BYTES]) {
      const body = chunked(signInBody(email, bytes))
      await expectTooLarge(await signIn(body.stream))
      // Answered with no more than one chunk past the limit sent, the rest held back until now.
      expect(body.sent()).toBeLessThanOrEqual(MAX_BODY_BYTES + 8192)
      body.release()
    }
  })
})
