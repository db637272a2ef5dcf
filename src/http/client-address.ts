/**
 * Client addresses for rate limiting: parsing (IPv4, IPv6, IPv4-mapped IPv6), `TRUST_PROXY`
 * (addresses and CIDRs of the proxies in front of a Node server), the `X-Forwarded-For` hop to
 * take behind them (as Express's `trust proxy` takes it), and the groups an address is counted in.
 *
 * IPv6 is counted at three prefix lengths at once: the /64 (one subnet, a home or a phone), the
 * /56 (the usual residential allocation) and the /48 (the largest allocation RIRs make to one end
 * site, RFC 6177), the wider groups with a larger budget (`GROUP_FACTORS`). An attacker holding a
 * /48 gets 16 times one address's budget, not 65,536 times; customers of a carrier that numbers
 * many of them from one /48 share its 16-fold budget.
 */

/** An address's bytes: 4 for IPv4, 16 for IPv6 (an IPv4-mapped IPv6 address is IPv4). */
export type AddressBytes = Uint8Array

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const HEX_GROUP = /^[0-9a-f]{1,4}$/i

function parseIPv4(text: string): AddressBytes | undefined {
  if (!IPV4.test(text)) return undefined
  return Uint8Array.from(text.split('.').map(Number))
}

function parseGroups(part: string): number[] | undefined {
  if (part === '') return []
  const groups: number[] = []
  for (const group of part.split(':')) {
    if (!HEX_GROUP.test(group)) return undefined
    groups.push(Number.parseInt(group, 16))
  }
  return groups
}

function parseIPv6(text: string): AddressBytes | undefined {
  let rest = text
  const tail: number[] = []
  const lastColon = rest.lastIndexOf(':')
  if (lastColon >= 0 && rest.includes('.', lastColon)) {
    const v4 = parseIPv4(rest.slice(lastColon + 1))
    if (!v4) return undefined
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
    // Keep a '::' right before the IPv4 part, drop a single ':'.
    rest = rest.slice(0, lastColon + 1)
    if (!rest.endsWith('::')) rest = rest.slice(0, -1)
  }
  const halves = rest.split('::')
  if (halves.length > 2) return undefined
  const head = parseGroups(halves[0]!)
  const back = halves.length === 2 ? parseGroups(halves[1]!) : []
  if (!head || !back) return undefined
  const explicit = head.length + back.length + tail.length
  if (halves.length === 2 ? explicit > 7 : explicit !== 8) return undefined
  const groups = [...head, ...Array(8 - explicit).fill(0), ...back, ...tail]
  const bytes = new Uint8Array(16)
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8
    bytes[i * 2 + 1] = group & 0xff
  })
  return bytes
}

/**
 * The address's bytes, or undefined for anything that is not an IP address. A zone (`%eth0`) and
 * IPv6 brackets are dropped; an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is its IPv4 address.
 *
 * @example
 * parseAddress('::ffff:192.0.2.1') // Uint8Array [192, 0, 2, 1]
 */
export function parseAddress(text: string | null | undefined): AddressBytes | undefined {
  if (!text) return undefined
  let value = text.trim()
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1)
  const zone = value.indexOf('%')
  if (zone >= 0) value = value.slice(0, zone)
  if (!value.includes(':')) return parseIPv4(value)
  const bytes = parseIPv6(value)
  if (!bytes) return undefined
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
  return mapped ? bytes.slice(12) : bytes
}

interface Network {
  readonly bytes: AddressBytes
  readonly prefix: number
}

function inNetwork(address: AddressBytes, network: Network): boolean {
  if (address.length !== network.bytes.length) return false
  for (let bit = 0; bit < network.prefix; bit += 8) {
    const take = Math.min(8, network.prefix - bit)
    const mask = (0xff << (8 - take)) & 0xff
    if ((address[bit / 8]! & mask) !== (network.bytes[bit / 8]! & mask)) return false
  }
  return true
}

/** Whether an address belongs to a proxy named in TRUST_PROXY. */
export type ProxyMatcher = (address: AddressBytes) => boolean

/**
 * Parses TRUST_PROXY: a comma-separated list of addresses and CIDRs (`10.0.0.0/8, 2001:db8::/32`),
 * or `loopback` for 127.0.0.0/8 and ::1. Empty: no proxy is trusted.
 *
 * @example
 * parseTrustProxy('10.0.0.0/8, loopback') // { ok: true, matcher }
 */
export function parseTrustProxy(
  value: string | undefined,
): { ok: true; matcher: ProxyMatcher; entries: number } | { ok: false; problem: string } {
  const networks: Network[] = []
  for (const raw of (value ?? '').split(',')) {
    const entry = raw.trim()
    if (!entry) continue
    if (entry.toLowerCase() === 'loopback') {
      networks.push({ bytes: Uint8Array.from([127, 0, 0, 0]), prefix: 8 }, { bytes: parseAddress('::1')!, prefix: 128 })
      continue
    }
    const [address, prefixText, extra] = entry.split('/')
    const bytes = parseAddress(address)
    const prefix = prefixText === undefined ? (bytes?.length ?? 0) * 8 : Number(prefixText)
    const validPrefix = prefixText === undefined || /^\d{1,3}$/.test(prefixText)
    if (!bytes || extra !== undefined || !validPrefix || prefix > bytes.length * 8) {
      return { ok: false, problem: 'must list IP addresses or CIDRs (e.g. 10.0.0.0/8, 2001:db8::/32) or loopback' }
    }
    networks.push({ bytes, prefix })
  }
  return { ok: true, matcher: (address) => networks.some((n) => inNetwork(address, n)), entries: networks.length }
}

/**
 * The client behind trusted proxies, as Express's `trust proxy` finds it: from the socket peer
 * leftwards through `X-Forwarded-For`, the first address that is not a trusted proxy (or the
 * leftmost, when every hop is trusted). Without a trusted peer the header is ignored: anyone can
 * write it. A hop that is not an address, reached through trusted proxies, makes the client unknown.
 *
 * @example
 * forwardedClient('127.0.0.1', '203.0.113.9, 198.51.100.4', isLoopback) // '198.51.100.4'
 */
export function forwardedClient(
  peer: string | undefined,
  forwardedFor: string | null,
  isTrustedProxy: ProxyMatcher,
): string | undefined {
  let text = peer
  let current = parseAddress(text)
  if (!current) return undefined
  const hops = (forwardedFor ?? '').split(',').map((hop) => hop.trim())
  while (isTrustedProxy(current)) {
    const hop = hops.pop()
    if (hop === undefined || hop === '') return text
    current = parseAddress(hop)
    if (!current) return undefined
    text = hop
  }
  return text
}

/** How many times one address's budget each group gets: an IPv4 address; an IPv6 /64, /56, /48. */
export const GROUP_FACTORS = { v4: 1, '/64': 1, '/56': 4, '/48': 16 } as const

function hex(bytes: AddressBytes, count: number): string {
  return Array.from(bytes.slice(0, count), (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * The groups an address is counted in, each with its budget factor: an IPv4 address alone, an
 * IPv6 address in its /64, /56 and /48.
 *
 * @example
 * addressGroups(parseAddress('2001:db8:1:2::5')!) // [{ group: '6:20010db800010002/64', factor: 1 }, …]
 */
export function addressGroups(address: AddressBytes): { group: string; factor: number }[] {
  if (address.length === 4) return [{ group: `4:${Array.from(address).join('.')}`, factor: GROUP_FACTORS.v4 }]
  return [
    { group: `6:${hex(address, 8)}/64`, factor: GROUP_FACTORS['/64'] },
    { group: `6:${hex(address, 7)}/56`, factor: GROUP_FACTORS['/56'] },
    { group: `6:${hex(address, 6)}/48`, factor: GROUP_FACTORS['/48'] },
  ]
}
