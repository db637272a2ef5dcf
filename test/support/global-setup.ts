/** Vitest global setup: bundle the Worker once per run, as `wrangler deploy` would, and the Vercel Edge output. */
import { buildVercelOutput } from '../../scripts/build-vercel.ts'
import { TEST_VERCEL_OUTPUT_DIR } from './edge-vm.ts'
import { buildWorkerBundle } from './worker.ts'

export default async function setup() {
  buildWorkerBundle()
  await buildVercelOutput(TEST_VERCEL_OUTPUT_DIR)
}
