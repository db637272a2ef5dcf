/**
 * Vitest global setup of the `unit` project: the migrated PGlite template, made once (and kept
 * between runs) before test files start, so parallel files do not each make it.
 */
import { pgliteTemplate, pgliteTemplateDump } from './pglite-template.ts'

export default async function setup() {
  await pgliteTemplate()
  await pgliteTemplateDump()
}
