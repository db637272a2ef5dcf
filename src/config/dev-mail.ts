/**
 * Where `npm run dev` runs its mail catcher (maildev): its default ports, 1025 (SMTP) and 1080
 * (inbox and REST API), moved by as much as PORT is from 8787, so two checkouts on two PORTs
 * both start (PORT=8795: 1033 and 1088). Below 8787 they follow PORT instead (PORT=3000: 3001
 * and 3002). `scripts/dev.ts` starts maildev there; `GET /` points a person at the inbox.
 */
export const DEV_PORT = 8787
const DEFAULT_MAILDEV = { smtp: 1025, web: 1080 } as const

export function devMailPorts(port: number): { smtp: number; web: number } {
  const offset = port - DEV_PORT
  if (offset >= 0 && DEFAULT_MAILDEV.web + offset <= 65535) {
    return { smtp: DEFAULT_MAILDEV.smtp + offset, web: DEFAULT_MAILDEV.web + offset }
  }
  return { smtp: port + 1, web: port + 2 }
}
