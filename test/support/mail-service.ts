/**
 * A service with mail delivered to a real maildev inbox, for the enclosing `describe`: the inbox
 * starts first (its SMTP port goes into SMTP_URL), then the service on its own test database.
 */
import { afterAll, beforeAll } from 'vitest'
import { backendNamed } from './backends.ts'
import { type Inbox, startInbox } from './maildev.ts'
import { type BindingChanges, type ServiceOptions, startService, type TargetName, type TestService } from './service.ts'

export const MAIL_FROM = 'Docs <auth@example.com>'

/** The settings for mail through `inbox`. */
export function mailBindings(inbox: Inbox): Record<string, string> {
  return { SMTP_URL: inbox.smtpUrl, MAIL_FROM, APP_NAME: 'Docs' }
}

/** The path and query of an absolute link, for `TestService.request`/`TestClient.request`. */
export function pathOf(link: string): string {
  const url = new URL(link)
  return `${url.pathname}${url.search}`
}

/**
 * @example
 * const running = useMailService('pglite', {}, { target: 'in-process' })
 * const mail = await running.inbox.next(email)
 */
export function useMailService<T extends TargetName = 'workerd'>(
  backendName: string,
  changes: BindingChanges = {},
  options: ServiceOptions<T> = {},
): { readonly service: TestService<T>; readonly inbox: Inbox } {
  const database = backendNamed(backendName)
  let service: TestService<T> | undefined
  let inbox: Inbox | undefined
  beforeAll(async () => {
    inbox = await startInbox()
    service = await startService(database, { ...mailBindings(inbox), ...changes }, options)
  })
  afterAll(async () => {
    try {
      await service?.stop()
      await inbox?.stop()
    } finally {
      await database.cleanup()
    }
  })
  return {
    get service() {
      if (!service) throw new Error('the service starts in beforeAll')
      return service
    },
    get inbox() {
      if (!inbox) throw new Error('the inbox starts in beforeAll')
      return inbox
    },
  }
}
