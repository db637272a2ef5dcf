/**
 * A migrated PGlite data directory, made once, from which every test database starts (in memory
 * from its tarball, or copied into a directory a test keeps across restarts): a fresh
 * in-memory PGlite runs initdb (seconds of WASM work, 10 s on a busy two-core machine), while
 * opening a copy takes about one. The template lives in the system's temporary directory, keyed
 * by the PGlite version and the migrations, so runs and worktrees on one machine share it; it is
 * made in a directory of its own and renamed into place, so parallel test processes never see
 * half of one.
 */
import { createHash, randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { startLocalNeon } from '../../db/local-neon/index.ts'
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../db/migrate.ts'

/** What the service's DATABASE_URL says; the local endpoint decides where queries really go. */
export const WORKER_DATABASE_URL = 'postgresql://edge_auth:test@localhost/edge_auth'

const MIGRATE_SOURCE = fileURLToPath(new URL('../../db/migrate.ts', import.meta.url))
const PGLITE_PACKAGE = fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url))

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

function templateKey(): string {
  const hash = createHash('sha256')
  for (const file of [PGLITE_PACKAGE, MIGRATE_SOURCE, ...filesUnder(MIGRATIONS_FOLDER)])
    hash.update(relative(MIGRATIONS_FOLDER, file)).update(readFileSync(file))
  return hash.digest('hex').slice(0, 16)
}

let template: Promise<string> | undefined

/**
 * The template's directory, made on first use.
 *
 * @example
 * const dir = await pgliteTemplate()
 */
export function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = join(tmpdir(), `edge-auth-pglite-template-${templateKey()}`)
    if (existsSync(dir)) return dir
    const staging = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`
    try {
      const endpoint = await startLocalNeon({ backend: { kind: 'pglite', dataDir: staging } })
      try {
        await migrateDatabase({ databaseUrl: WORKER_DATABASE_URL, neonHttpEndpoint: endpoint.url })
      } finally {
        await endpoint.close()
      }
      renameSync(staging, dir)
    } catch (error) {
      // Another process renamed its template into place first: use that one.
      if (!existsSync(dir)) throw error
    } finally {
      rmSync(staging, { recursive: true, force: true })
    }
    return dir
  })()
  return template
}

let dump: Promise<Blob> | undefined

/**
 * The template as a tarball of PGlite's `dumpDataDir`, made once beside the template and read
 * once per process: an in-memory PGlite starts from it without copying a thousand files into a
 * directory (and removing them after), and then writes to no file. Made from a copy, since
 * opening a database writes to it.
 *
 * @example
 * const endpoint = await startLocalNeon({ backend: { kind: 'pglite', loadDataDir: await pgliteTemplateDump() } })
 */
export function pgliteTemplateDump(): Promise<Blob> {
  dump ??= (async () => {
    const dir = await pgliteTemplate()
    const file = `${dir}.tar`
    if (!existsSync(file)) {
      const suffix = `${process.pid}.${randomBytes(4).toString('hex')}`
      const copy = `${dir}.${suffix}.copy`
      const staging = `${file}.${suffix}`
      try {
        cpSync(dir, copy, { recursive: true })
        const db = await PGlite.create({ dataDir: copy })
        try {
          writeFileSync(staging, Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()))
        } finally {
          await db.close()
        }
        renameSync(staging, file)
      } finally {
        rmSync(copy, { recursive: true, force: true })
        rmSync(staging, { force: true })
      }
    }
    return new Blob([readFileSync(file)], { type: 'application/x-tar' })
  })()
  return dump
}

/**
 * Fills `dataDir` (created if missing) from the template unless it already holds a database.
 *
 * @example
 * await seedDataDir(mkdtempSync(join(tmpdir(), 'db-')))
 */
export async function seedDataDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return
  mkdirSync(dataDir, { recursive: true })
  cpSync(await pgliteTemplate(), dataDir, { recursive: true })
}
