/**
 * The JWT plugin's signing keys, read through a short per-isolate cache. Signing (get-session's
 * `set-auth-jwt`, `/api/auth/token`) reuses the keys read in the last minute, which saves a
 * database round trip on the hottest path; publishing the JWKS always reads the database, so a
 * key made by another isolate is published at once.
 */

import type { GenericEndpointContext } from 'better-auth'
import type { Jwk, JwtOptions } from 'better-auth/plugins/jwt'
import { desc, gt, isNull, or } from 'drizzle-orm'
import { jwks } from '../../db/schema.ts'
import type { Database } from '../database.ts'

export const SIGNING_KEY_CACHE_MS = 60_000
/** How long a request waits for another request's in-flight read before reading itself. */
export const SHARED_READ_PATIENCE_MS = 1_500
const JWKS_PATH = '/jwks'
const GAVE_UP: unique symbol = Symbol('gave up')

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
    let timer: ReturnType<typeof setTimeout> | undefined
    const patience = new Promise<typeof GAVE_UP>((resolve) => {
      timer = setTimeout(() => resolve(GAVE_UP), patienceMs)
    })
    const result = await Promise.race([inFlight.catch((): typeof GAVE_UP => GAVE_UP), patience]).finally(() =>
      clearTimeout(timer),
    )
    return result === GAVE_UP ? call(...args) : result
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

/**
 * The newest signing key that has not expired at `at`, straight from the database.
 *
 * @example
 * const key = await latestLiveKey(db, new Date()) // Jwk | undefined
 */
export async function latestLiveKey(db: Database, at: Date): Promise<Jwk | undefined> {
  const [row] = await db
    .select()
    .from(jwks)
    .where(or(isNull(jwks.expiresAt), gt(jwks.expiresAt, at)))
    .orderBy(desc(jwks.createdAt))
    .limit(1)
  return row ? toJwk(row) : undefined
}

/**
 * @example
 * jwt({ adapter: createKeyStore(database.db) })
 */
export function createKeyStore(db: Database, now: () => number = Date.now): KeyAdapter {
  let cached: { at: number; keys: Jwk[] } | undefined

  async function readKeys(): Promise<Jwk[]> {
    const keys = (await db.select().from(jwks).orderBy(desc(jwks.createdAt))).map(toJwk)
    cached = { at: now(), keys }
    return keys
  }

  const readKeysOnce = shareInFlight(readKeys, SHARED_READ_PATIENCE_MS)
  // One creation at a time per isolate, and none when another isolate made a key meanwhile.
  const createOnce = shareInFlight(async function createIfAbsent(
    data: Omit<Jwk, 'id'>,
    ctx: GenericEndpointContext,
  ): Promise<Jwk> {
    try {
      const existing = await latestLiveKey(db, new Date(now()))
      if (existing) {
        await readKeys()
        return existing
      }
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
      await readKeys() // once per key: the cache holds the new key for the signings that follow
      return toJwk(row!)
    } catch (error) {
      cached = undefined
      throw error
    }
  }, SHARED_READ_PATIENCE_MS)

  return {
    async getJwks(ctx: GenericEndpointContext) {
      if (ctx.path === JWKS_PATH) return readKeys()
      if (!cached || now() - cached.at >= SIGNING_KEY_CACHE_MS) return readKeysOnce()
      return cached.keys
    },
    createJwk: createOnce,
  }
}
