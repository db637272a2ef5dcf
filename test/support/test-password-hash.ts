/**
 * scrypt, as BetterAuth hashes (`salt:key`, hex, NFKC), at 1/16 of its cost (N=2^10, 1 MiB instead
 * of 16 MiB): the in-process tier hashes hundreds of passwords only to have users, and BetterAuth's
 * 120 ms of CPU a hash was most of that tier's time on two cores. The deployed targets (workerd,
 * Vercel, Node in the runtime tier) keep BetterAuth's own.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import type { PasswordHash } from '../../src/platform/index.ts'

const PARAMS = { N: 1024, r: 16, p: 1 }
const KEY_LENGTH = 64

function derive(password: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, PARAMS, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  )
}

export const testPasswordHash: PasswordHash = {
  async hash(password) {
    const salt = randomBytes(16).toString('hex')
    return `${salt}:${(await derive(password, salt)).toString('hex')}`
  },
  async verify({ hash, password }) {
    const [salt, key] = hash.split(':')
    if (!salt || !key) throw new Error('Invalid password hash')
    const expected = Buffer.from(key, 'hex')
    const actual = await derive(password, salt)
    return expected.length === actual.length && timingSafeEqual(expected, actual)
  },
}
