/**
 * A real mail catcher for tests: maildev 3 on free loopback ports (its own mail directory), read
 * through its REST API (`GET /api/email` on the web port), as a developer reads `npm run dev`'s.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MailDev } from 'maildev'
import { startOnFreePort } from './loopback.ts'

/** A message as maildev's REST API returns it (the fields the tests read). */
export interface CaughtMail {
  readonly id: string
  readonly subject: string
  readonly from: { address: string; name: string }[]
  readonly to: { address: string; name: string }[]
  readonly text: string
  readonly html: string
  readonly headers: Record<string, string>
}

export interface Inbox {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  readonly smtpUrl: string
  readonly smtpPort: number
  /** The web inbox and its REST API. */
  readonly webUrl: string
  /** Every message caught so far, oldest first. */
  all(): Promise<CaughtMail[]>
  /** Messages to `address`, oldest first. */
  to(address: string): Promise<CaughtMail[]>
  /** Waits until `address` has `count` messages (default 1) and returns the newest. */
  next(address: string, options?: { count?: number; timeoutMs?: number }): Promise<CaughtMail>
  stop(): Promise<void>
}

/** The first URL in a message's text that starts with `prefix`. */
export function linkIn(mail: CaughtMail, prefix: string): string {
  const link = mail.text.split(/\s+/).find((word) => word.startsWith(prefix))
  if (!link) throw new Error(`no link starting with ${prefix} in "${mail.subject}"`)
  return link
}

/** The 6-digit code in a message's subject. */
export function codeIn(mail: CaughtMail): string {
  const code = /\b(\d{6})\b/.exec(mail.subject)?.[1]
  if (!code) throw new Error(`no code in "${mail.subject}"`)
  return code
}

async function start(smtpPort: number, webPort: number): Promise<Inbox> {
  const mailDirectory = mkdtempSync(join(tmpdir(), 'edge-auth-maildev-'))
  const maildev = new MailDev({
    smtp: smtpPort,
    web: webPort,
    ip: '127.0.0.1',
    webIp: '127.0.0.1',
    mailDirectory,
    silent: true,
  })
  try {
    await maildev.start()
  } catch (error) {
    rmSync(mailDirectory, { recursive: true, force: true })
    throw error
  }
  const webUrl = `http://127.0.0.1:${webPort}`
  const all = async (): Promise<CaughtMail[]> => {
    const response = await fetch(`${webUrl}/api/email`)
    if (!response.ok) throw new Error(`maildev answered ${response.status}`)
    return response.json()
  }
  const to = async (address: string) =>
    (await all()).filter((mail) => mail.to.some((r) => r.address.toLowerCase() === address.toLowerCase()))
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    smtpPort,
    webUrl,
    all,
    to,
    async next(address, { count = 1, timeoutMs = 15_000 } = {}) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const mails = await to(address)
        if (mails.length >= count) return mails[mails.length - 1]!
        if (Date.now() > deadline) throw new Error(`no message ${count} to ${address} within ${timeoutMs} ms`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async stop() {
      await maildev.stop()
      rmSync(mailDirectory, { recursive: true, force: true })
    },
  }
}

/**
 * @example
 * const inbox = await startInbox()
 * const service = await startService(db, { SMTP_URL: inbox.smtpUrl, MAIL_FROM: 'auth@example.com' })
 * const mail = await inbox.next('a@example.com')
 * await inbox.stop()
 */
export async function startInbox(): Promise<Inbox> {
  return startOnFreePort((smtpPort) => startOnFreePort((webPort) => start(smtpPort, webPort), taken), taken)
}

function taken(error: unknown): boolean {
  return /EADDRINUSE|address already in use/i.test(String((error as Error)?.message ?? error))
}
