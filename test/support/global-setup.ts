/**
 * Vitest global setup of the `runtime` project: bundle the Worker once per run, as `wrangler
 * deploy` would, build the Vercel Edge output, and make sure the migrated PGlite template exists.
 */
import { buildVercelOutput } from '../../scripts/build-vercel.ts'
import { TEST_VERCEL_OUTPUT_DIR } from './edge-vm.ts'
import { pgliteTemplate } from './pglite-template.ts'
import { buildWorkerBundle } from './worker.ts'

export default async function setup() {
  buildWorkerBundle()
  await buildVercelOutput(TEST_VERCEL_OUTPUT_DIR)
  await pgliteTemplate()
}
