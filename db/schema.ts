/**
 * Database schema: BetterAuth's tables (user, session, account, verification), the JWT
 * plugin's signing keys (jwks), the service's rate-limit counters (rate_limit) and its auth event
 * log (auth_event). Property names are BetterAuth's field names; SQL names are
 * snake_case. Every timestamp is `timestamptz`. The relations let BetterAuth read a session with
 * its user (and a user with its accounts) in one query instead of two.
 */
import { relations } from 'drizzle-orm'
import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const user = pgTable('user', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  emailVerified: boolean('email_verified').notNull().default(false),
  image: text('image'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
})

export const session = pgTable(
  'session',
  {
    id: text('id').primaryKey(),
    token: text('token').notNull().unique(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    expiresAt: timestamptz('expires_at').notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (table) => [index('session_user_id_idx').on(table.userId)],
)

export const account = pgTable(
  'account',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamptz('access_token_expires_at'),
    refreshTokenExpiresAt: timestamptz('refresh_token_expires_at'),
    scope: text('scope'),
    password: text('password'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (table) => [index('account_user_id_idx').on(table.userId)],
)

export const verification = pgTable(
  'verification',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (table) => [index('verification_identifier_idx').on(table.identifier)],
)

export const jwks = pgTable('jwks', {
  id: text('id').primaryKey(),
  publicKey: text('public_key').notNull(),
  privateKey: text('private_key').notNull(),
  alg: text('alg'),
  crv: text('crv'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  expiresAt: timestamptz('expires_at'),
})

/**
 * Rate-limit counters every isolate shares (src/limits/): one row per bucket, keyed by a hash of
 * what it counts (an address group and path, an email). `count` requests since the window began;
 * the row is expired, and pruned, once `reset_at` has passed. `last_at` is the last counted
 * attempt of a per-account sign-in throttle (for its backoff), null for plain counters.
 */
export const rateLimit = pgTable(
  'rate_limit',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    resetAt: timestamptz('reset_at').notNull(),
    lastAt: timestamptz('last_at'),
  },
  (table) => [index('rate_limit_reset_at_idx').on(table.resetAt)],
)

/** What the auth event log records (src/event-log.ts). */
export const AUTH_EVENT_TYPES = [
  'sign_up',
  'sign_in',
  'sign_out',
  'password_change',
  'password_reset',
  'session_revoked',
  'token_issued',
] as const

/**
 * The auth event log. `user_id` is null when no user is known (a failed sign-in for an unknown
 * email). A deleted user's events lose their user id (`on delete set null`) rather than vanish: they
 * stay evidence of what happened (failed guesses at that account, say) without naming anyone, and
 * the retention prune removes them like every other event. `address_hash` is a keyed hash (HMAC)
 * of the client address, never the address.
 */
export const authEvent = pgTable(
  'auth_event',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').references(() => user.id, { onDelete: 'set null' }),
    type: text('type', { enum: AUTH_EVENT_TYPES }).notNull(),
    outcome: text('outcome', { enum: ['ok', 'failed'] }).notNull(),
    addressHash: text('address_hash'),
    userAgent: text('user_agent'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [
    index('auth_event_user_created_idx').on(table.userId, table.createdAt.desc(), table.id.desc()),
    index('auth_event_created_idx').on(table.createdAt),
  ],
)

export const userRelations = relations(user, ({ many }) => ({
  sessions: many(session),
  accounts: many(account),
}))

export const sessionRelations = relations(session, ({ one }) => ({
  user: one(user, { fields: [session.userId], references: [user.id] }),
}))

export const accountRelations = relations(account, ({ one }) => ({
  user: one(user, { fields: [account.userId], references: [user.id] }),
}))
