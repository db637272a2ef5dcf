import { describe, expect, it } from 'vitest'
import { addressGroups, forwardedClient, parseAddress, parseTrustProxy } from './client-address.ts'

const matcher = (value: string) => {
  const parsed = parseTrustProxy(value)
  if (!parsed.ok) throw new Error(parsed.problem)
  return parsed.matcher
}

describe('parseAddress', () => {
  it('reads IPv4, IPv6 in every spelling, and IPv4-mapped IPv6 as IPv4', () => {
    expect(Array.from(parseAddress('192.0.2.1')!)).toEqual([192, 0, 2, 1])
    expect(parseAddress('2001:db8::1')).toEqual(parseAddress('2001:0DB8:0:0:0:0:0:0001'))
    expect(parseAddress('[2001:db8::1]')).toEqual(parseAddress('2001:db8::1'))
    expect(parseAddress('fe80::1%eth0')).toEqual(parseAddress('fe80::1'))
    expect(Array.from(parseAddress('::ffff:192.0.2.1')!)).toEqual([192, 0, 2, 1])
    expect(Array.from(parseAddress('::ffff:c000:201')!)).toEqual([192, 0, 2, 1])
    expect(parseAddress('::1')?.length).toBe(16)
    expect(parseAddress('64:ff9b::192.0.2.1')?.length).toBe(16)
  })

  it('refuses what is not an address', () => {
    for (const text of [
      '',
      'unknown',
      '256.0.0.1',
      '1.2.3',
      '01.2.3.4',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      'a.b.c.d',
    ]) {
      expect(parseAddress(text), text).toBeUndefined()
    }
  })
})

describe('parseTrustProxy', () => {
  it('takes addresses, CIDRs and loopback, and names a bad entry', () => {
    const trusted = matcher('10.0.0.0/8, 2001:db8::/32, loopback')
    expect(trusted(parseAddress('10.200.1.1')!)).toBe(true)
    expect(trusted(parseAddress('11.0.0.1')!)).toBe(false)
    expect(trusted(parseAddress('2001:db8:ffff::1')!)).toBe(true)
    expect(trusted(parseAddress('::1')!)).toBe(true)
    expect(trusted(parseAddress('127.8.0.1')!)).toBe(true)
    expect(matcher('')(parseAddress('127.0.0.1')!)).toBe(false)
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '10.0.0.0/x']) {
      expect(parseTrustProxy(bad).ok, bad).toBe(false)
    }
  })
})

describe('forwardedClient (Express trust proxy semantics)', () => {
  const loopback = matcher('loopback')
  const two = matcher('127.0.0.1, 10.0.0.2')

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(forwardedClient('203.0.113.5', '198.51.100.1', loopback)).toBe('203.0.113.5')
  })

  it('takes the hop the trusted proxy wrote, not what the client prepended', () => {
    expect(forwardedClient('127.0.0.1', '198.51.100.1, 203.0.113.5', loopback)).toBe('203.0.113.5')
    expect(forwardedClient('127.0.0.1', 'garbage, 203.0.113.5', loopback)).toBe('203.0.113.5')
    expect(forwardedClient('127.0.0.1', '198.51.100.1, 203.0.113.5, 10.0.0.2', two)).toBe('203.0.113.5')
  })

  it('stops at the leftmost hop when every hop is trusted, and knows no client behind a bad hop', () => {
    expect(forwardedClient('127.0.0.1', '10.0.0.2', two)).toBe('10.0.0.2')
    expect(forwardedClient('127.0.0.1', undefined as unknown as null, loopback)).toBe('127.0.0.1')
    expect(forwardedClient('127.0.0.1', 'garbage', loopback)).toBeUndefined()
    expect(forwardedClient(undefined, '203.0.113.5', loopback)).toBeUndefined()
  })
})

describe('addressGroups', () => {
  it('counts IPv4 alone, and IPv6 in its /64, /56 and /48 with growing budgets', () => {
    expect(addressGroups(parseAddress('192.0.2.1')!)).toEqual([{ group: '4:192.0.2.1', factor: 1 }])
    const groups = addressGroups(parseAddress('2001:db8:1:2::5')!)
    expect(groups.map((g) => g.factor)).toEqual([1, 4, 16])
    // Two /64s of one /56 share its /56 and /48 groups.
    const other = addressGroups(parseAddress('2001:db8:1:3::9')!)
    expect(other[0]!.group).not.toBe(groups[0]!.group)
    expect(other.slice(1)).toEqual(groups.slice(1))
    // A neighbouring /48 shares nothing.
    const far = addressGroups(parseAddress('2001:db8:2::1')!)
    expect(far.some((g) => groups.some((h) => h.group === g.group))).toBe(false)
  })
})
