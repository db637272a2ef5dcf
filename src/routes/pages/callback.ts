/**
 * Where a page sends the user when done: a frontend's `callbackURL`, checked against
 * TRUSTED_ORIGINS (config/origins.ts) before anything is shown, or the account page.
 */
import type { Config } from '../../config/index.ts'
import type { ErrorCode } from '../../errors.ts'
import { HANDOFF_PATH } from '../../http/handoff-params.ts'

export type CallbackResult = { ok: true; url: URL | undefined } | { ok: false; code: ErrorCode }

/**
 * @example
 * parseCallback(config, 'https://docs.example.com/after') // { ok: true, url: URL } when trusted
 */
export function parseCallback(config: Config, raw: string | undefined): CallbackResult {
  if (raw === undefined || raw === '') return { ok: true, url: undefined }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, code: 'INVALID_CALLBACK_URL' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, code: 'INVALID_CALLBACK_URL' }
  return config.isOwnOrTrustedOrigin(url.origin) ? { ok: true, url } : { ok: false, code: 'UNTRUSTED_CALLBACK_URL' }
}

/**
 * Where a signed-in user goes next: the frontend through the hand-off (its own session in its own
 * partition, in every cookie mode), a page of the service itself directly, else the account page.
 */
export function destination(config: Config, callback: URL | undefined): string {
  if (!callback) return '/account'
  if (callback.origin === config.baseURL) return `${callback.pathname}${callback.search}`
  return `${HANDOFF_PATH}?callbackURL=${encodeURIComponent(callback.toString())}`
}

/** A path of the pages with the callbackURL kept and the given query added. */
export function pagePath(
  path: string,
  callback: URL | undefined,
  query: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams()
  if (callback) params.set('callbackURL', callback.toString())
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value)
  const text = params.toString()
  return text ? `${path}?${text}` : path
}
