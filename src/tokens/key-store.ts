/**
 * The JWT plugin's signing keys, read through a short per-isolate cache. Signing (get-session's
 * `set-auth-jwt`, `/api/auth/token`) reuses the keys read in the last minute, which saves a
 * database round trip on the hottest path; publishing the JWKS always reads the database, so a
 * key made by another isolate is published at once.
 *
 * Signing sees only keys this deployment can decrypt (under any secret it knows, see
 * key-encryption.ts). When none is live, BetterAuth makes one under the current secret, while the
 * JWKS keeps publishing every key until it expires: a deployment whose secret changed without
 * rotation, or two deployments with different secrets on one database, each sign with a key of
 * their own instead of failing.
 */

import type { GenericEndpointContext } from 'better-auth'
import type { Jwk, JwtOptions } from 'better-auth/plugins/jwt'
import { desc, gt, isNull, or } from 'drizzle-orm'
import { jwks } from '../../db/schema.ts'
import type { Database } from '../database/index.ts'
import { TIMED_OUT, within } from '../deadline.ts'
import { createKeyOpener, type SecretConfig } from './key-encryption.ts'

export const SIGNING_KEY_CACHE_MS = 60_000
/** After a failed read, signing waits this long before reading again, doubling per failure up to the cap. */
export const FAILED_READ_BACKOFF_MS = 1_000
export const FAILED_READ_BACKOFF_CAP_MS = 30_000
/** How long a request waits for another request's in-flight read before reading itself. */
export const SHARED_READ_PATIENCE_MS = 1_500
const JWKS_PATH = '/jwks'
const FAILED: unique symbol = Symbol('failed')

type KeyAdapter = NonNullable<JwtOptions['adapter']>

/**
 * Concurrent callers share one in-flight call, so a cold isolate's first burst of requests reads
 * the keys once rather than once per request. No caller depends on another request for long:
 * workerd cancels a request's I/O when its client goes away, so after `patienceMs` (or if the
 * shared call fails) a waiter makes its own call.
 */
export function shareInFlight<A extends unknown[], T>(
  call: (...args: A) => Promise<T>,
  patienceMs: number,
): (...args: A) => Promise<T> {
  let inFlight: Promise<T> | undefined
  return async function sharedCall(...args: A): Promise<T> {
    if (!inFlight) {
      const own = call(...args).finally(() => {
        if (inFlight === own) inFlight = undefined
      })
      inFlight = own
      return own
    }
    const result = await within(
      inFlight.catch((): typeof FAILED => FAILED),
      patienceMs,
    )
    return result === FAILED || result === TIMED_OUT ? call(...args) : result
  }
}

function toJwk(row: typeof jwks.$inferSelect): Jwk {
  return {
    id: row.id,
    publicKey: row.publicKey,
    privateKey: row.privateKey,
    createdAt: row.createdAt,
    ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
    ...(row.alg ? { alg: row.alg as Jwk['alg'] } : {}),
    ...(row.crv ? { crv: row.crv as Jwk['crv'] } : {}),
  }
}

const isLive = (key: Jwk, at: Date) => !key.expiresAt || key.expiresAt > at

/** Thrown to a signing while the keys could not be read lately: it fails at once instead of waiting for the database. */
export class SigningKeysUnavailable extends Error {
  override readonly name = 'SigningKeysUnavailable'
  constructor(retryInMs: number) {
    super(`The signing keys could not be read; the next read is in ${retryInMs} ms`)
  }
}

/** The signing keys that have not expired at `at`, newest first, straight from the database. */
export async function liveKeys(db: Database, at: Date): Promise<Jwk[]> {
  const rows = await db
    .select()
    .from(jwks)
    .where(or(isNull(jwks.expiresAt), gt(jwks.expiresAt, at)))
    .orderBy(desc(jwks.createdAt))
  return rows.map(toJwk)
}

/**
 * Marks a key this deployment cannot decrypt as expired in what signing sees, so BetterAuth never
 * signs with it (nor gives up because of it) yet still finds its public half by id when verifying.
 */
const UNUSABLE_HERE = new Date(0)

export interface KeyStoreOptions {
  /** Every secret value this deployment knows (`Config.secrets`), current first. */
  readonly secrets: readonly string[]
  readonly now?: () => number
}

export function createKeyStore(db: Database, options: KeyStoreOptions): KeyAdapter {
  const now = options.now ?? Date.now
  const open = createKeyOpener(options.secrets)
  let cached: { at: number; keys: Jwk[] } | undefined
  // A read that failed: until `retryAt` signings use the keys read before, or fail at once.
  let failed: { retryAt: number; backoffMs: number } | undefined

  async function allKeys(): Promise<Jwk[]> {
    return (await db.select().from(jwks).orderBy(desc(jwks.createdAt))).map(toJwk)
  }

  // The decryption work happens here, once per key per read, not once per signing.
  async function readSigningKeys(secretConfig: SecretConfig): Promise<Jwk[]> {
    const at = now()
    const liveAt = new Date(at)
    const keys = await Promise.all(
      (await allKeys()).map(async function forSigning(key) {
        if (!isLive(key, liveAt)) return key
        return (await open(key, secretConfig)) ?? { ...key, expiresAt: UNUSABLE_HERE }
      }),
    )
    cached = { at, keys }
    return keys
  }

  async function readOrBackOff(secretConfig: SecretConfig): Promise<Jwk[]> {
    try {
      const keys = await readSigningKeys(secretConfig)
      failed = undefined
      return keys
    } catch (error) {
      const backoffMs = failed ? Math.min(failed.backoffMs * 2, FAILED_READ_BACKOFF_CAP_MS) : FAILED_READ_BACKOFF_MS
      failed = { retryAt: now() + backoffMs, backoffMs }
      if (cached) return cached.keys
      throw error
    }
  }

  const readSigningKeysOnce = shareInFlight(readOrBackOff, SHARED_READ_PATIENCE_MS)
  // One creation at a time per isolate, and none when a key this deployment can use appeared meanwhile.
  const createOnce = shareInFlight(async function createIfNoneUsable(
    data: Omit<Jwk, 'id'>,
    ctx: GenericEndpointContext,
  ): Promise<Jwk> {
    try {
      const keys = await readSigningKeys(ctx.context.secretConfig)
      const usable = keys.find((key) => isLive(key, new Date(now())))
      if (usable) return usable
      const generated = ctx.context.generateId({ model: 'jwks' })
      const id = typeof generated === 'string' ? generated : crypto.randomUUID()
      const [row] = await db
        .insert(jwks)
        .values({
          id,
          publicKey: data.publicKey,
          privateKey: data.privateKey,
          createdAt: data.createdAt,
          expiresAt: data.expiresAt ?? null,
          alg: data.alg ?? null,
          crv: data.crv ?? null,
        })
        .returning()
      const created = toJwk(row!)
      // BetterAuth encrypted the new key under its secret config: usable as it is, by the signings that follow.
      cached = { at: now(), keys: [created, ...keys] }
      return created
    } catch (error) {
      cached = undefined
      throw error
    }
  }, SHARED_READ_PATIENCE_MS)

  return {
    async getJwks(ctx: GenericEndpointContext) {
      if (ctx.path === JWKS_PATH) return allKeys()
      if (cached && now() - cached.at < SIGNING_KEY_CACHE_MS) return cached.keys
      if (failed && now() < failed.retryAt) {
        if (cached) return cached.keys
        throw new SigningKeysUnavailable(failed.retryAt - now())
      }
      return readSigningKeysOnce(ctx.context.secretConfig)
    },
    createJwk: createOnce,
  }
}
