/**
 * The JWT plugin's signing keys, read through a short per-isolate cache. Signing (get-session's
 * `set-auth-jwt`, `/api/auth/token`) reuses the keys read in the last minute, which saves a
 * database round trip on the hottest path; publishing the JWKS always reads the database, so a
 * key made by another isolate is published at once.
 */
import { desc, gt, isNull, or } from 'drizzle-orm'
import type { GenericEndpointContext } from 'better-auth'
import type { Jwk, JwtOptions } from 'better-auth/plugins/jwt'
import { jwks } from '../../db/schema.ts'
import type { Database } from '../database.ts'

export const SIGNING_KEY_CACHE_MS = 60_000
const JWKS_PATH = '/jwks'

type KeyAdapter = NonNullable<JwtOptions['adapter']>

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
 * @example
 * jwt({ adapter: createKeyStore(() => database.db) })
 */
export function createKeyStore(db: Database, now: () => number = Date.now): KeyAdapter {
  let cached: { at: number; keys: Jwk[] } | undefined
  let creating: Promise<Jwk> | undefined

  async function readKeys(): Promise<Jwk[]> {
    const keys = (await db.select().from(jwks).orderBy(desc(jwks.createdAt))).map(toJwk)
    cached = { at: now(), keys }
    return keys
  }

  async function liveKey(): Promise<Jwk | undefined> {
    const [row] = await db
      .select()
      .from(jwks)
      .where(or(isNull(jwks.expiresAt), gt(jwks.expiresAt, new Date(now()))))
      .orderBy(desc(jwks.createdAt))
      .limit(1)
    return row ? toJwk(row) : undefined
  }

  return {
    async getJwks(ctx: GenericEndpointContext) {
      if (ctx.path === JWKS_PATH || !cached || now() - cached.at >= SIGNING_KEY_CACHE_MS) return readKeys()
      return cached.keys
    },
    createJwk(data: Omit<Jwk, 'id'>, ctx: GenericEndpointContext) {
      // One creation at a time per isolate, and none when another isolate made a key meanwhile.
      creating ??= (async function createIfAbsent() {
        try {
          const existing = await liveKey()
          if (existing) {
            await readKeys()
            return existing
          }
          const generated = ctx.context.generateId({ model: 'jwks' })
          const id = typeof generated === 'string' ? generated : crypto.randomUUID()
          const [row] = await db
            .insert(jwks)
            .values({ id, publicKey: data.publicKey, privateKey: data.privateKey, createdAt: data.createdAt, expiresAt: data.expiresAt ?? null, alg: data.alg ?? null, crv: data.crv ?? null })
            .returning()
          await readKeys() // once per key: the cache holds the new key for the signings that follow
          return toJwk(row!)
        } catch (error) {
          cached = undefined
          throw error
        } finally {
          creating = undefined
        }
      })()
      return creating
    },
  }
}
