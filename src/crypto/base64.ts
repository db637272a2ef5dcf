/**
 * Base64 in both alphabets: standard (`+/`, padded: better-call's cookie signatures) and base64url
 * (`-_`, unpadded: BetterAuth's session cache, our hashes). btoa/atob, which every runtime has.
 */

/** Text of bytes: standard base64, or base64url without padding. */
export function encodeBase64(bytes: ArrayBuffer | Uint8Array, alphabet: 'base64' | 'base64url'): string {
  let binary = ''
  for (const byte of bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) binary += String.fromCharCode(byte)
  const text = btoa(binary)
  return alphabet === 'base64' ? text : text.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** Bytes of text in the one alphabet (padding optional); null when it is not such text. */
export function decodeBase64(text: string, alphabet: 'base64' | 'base64url'): Uint8Array<ArrayBuffer> | null {
  if (alphabet === 'base64url' && /[+/]/.test(text)) return null
  try {
    const binary = atob(alphabet === 'base64' ? text : text.replaceAll('-', '+').replaceAll('_', '/'))
    return Uint8Array.from(binary, (c) => c.charCodeAt(0))
  } catch {
    return null
  }
}
