/**
 * Vitest global setup of the `runtime` project: bundle the Worker once per run, as `wrangler
 * deploy` would, build both Vercel outputs (Edge, and Node.js outside the repository), and make sure
 * the migrated PGlite template exists.
 */
import { buildVercelOutput } from '../../scripts/build-vercel.ts'
import { TEST_VERCEL_OUTPUT_DIR } from './edge-vm.ts'
import { pgliteTemplate, pgliteTemplateDump } from './pglite-template.ts'
import { TEST_VERCEL_NODE_OUTPUT_DIR } from './targets.ts'
import { buildWorkerBundle } from './worker.ts'

export default async function setup() {
  buildWorkerBundle()
  await buildVercelOutput(TEST_VERCEL_OUTPUT_DIR, 'edge')
  await buildVercelOutput(TEST_VERCEL_NODE_OUTPUT_DIR, 'node')
  await pgliteTemplate()
  await pgliteTemplateDump()
}
