/**
 * Cookie text, read and written: the `Cookie` request header, `Set-Cookie` lines, and cookies
 * serialized the way BetterAuth writes them.
 */

/** A cookie BetterAuth sets: its name and attributes (`context.authCookies.*`). */
export interface CookieSpec {
  readonly name: string
  readonly attributes: {
    readonly maxAge?: number | undefined
    readonly path?: string | undefined
    readonly domain?: string | undefined
    readonly secure?: boolean | undefined
    readonly httpOnly?: boolean | undefined
    readonly sameSite?: string | undefined
    readonly partitioned?: boolean | undefined
  }
}

/**
 * The name=value pairs of a `Cookie` header, in order (a name may repeat).
 *
 * @example
 * [...cookiePairs('a=1; b=2')] // [{ name: 'a', value: '1' }, { name: 'b', value: '2' }]
 */
export function* cookiePairs(header: string | null | undefined): Generator<{ name: string; value: string }> {
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=')
    if (eq > 0) yield { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() }
  }
}

/**
 * The cookies of a `Cookie` header, name → raw value (the first of a repeated name).
 *
 * @example
 * parseCookieHeader('a=1; b=2').get('b') // '2'
 */
export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  return cookieMap(cookiePairs(header))
}

/** Cookie pairs by name, the first of a repeated name winning (as better-call reads them). */
export function cookieMap(pairs: Iterable<{ name: string; value: string }>): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const { name, value } of pairs) if (!cookies.has(name)) cookies.set(name, value)
  return cookies
}

/**
 * One `Set-Cookie` line: name, raw value and attributes (keys lower-cased; flags map to '').
 *
 * @example
 * parseSetCookie('sid=x; Path=/; HttpOnly').attributes.has('httponly') // true
 */
export function parseSetCookie(line: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair = '', ...rest] = line.split(';')
  const eq = pair.indexOf('=')
  const attributes = new Map<string, string>()
  for (const attribute of rest) {
    const [key = '', ...value] = attribute.split('=')
    attributes.set(key.trim().toLowerCase(), value.join('=').trim())
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes }
}

/** Whether `headers` already set a cookie called `name`. */
export function setsCookie(headers: Headers, name: string): boolean {
  return headers.getSetCookie().some((line) => parseSetCookie(line).name === name)
}

/** `name=value; attributes` in the form BetterAuth itself writes. */
export function serializeCookie(spec: CookieSpec, value: string): string {
  const a = spec.attributes
  const parts = [`${spec.name}=${encodeURIComponent(value)}`]
  if (a.maxAge !== undefined) parts.push(`Max-Age=${a.maxAge}`)
  if (a.domain) parts.push(`Domain=${a.domain}`)
  parts.push(`Path=${a.path ?? '/'}`)
  if (a.httpOnly) parts.push('HttpOnly')
  if (a.secure) parts.push('Secure')
  if (a.sameSite) parts.push(`SameSite=${a.sameSite[0]!.toUpperCase()}${a.sameSite.slice(1).toLowerCase()}`)
  if (a.partitioned) parts.push('Partitioned')
  return parts.join('; ')
}

/**
 * A cookie value as better-call reads it: surrounding quotes dropped, URI-decoded once; a value
 * that is not valid URI encoding is kept as it is.
 *
 * @example
 * decodeCookieValue('abc.def%3D') // 'abc.def='
 */
export function decodeCookieValue(value: string): string {
  const unquoted = value.startsWith('"') ? value.slice(1, -1) : value
  if (!unquoted.includes('%')) return unquoted
  try {
    return decodeURIComponent(unquoted)
  } catch {
    return unquoted
  }
}
