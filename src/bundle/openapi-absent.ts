/**
 * Stands in for better-call's OpenAPI generator (better-call/dist/openapi.mjs, imported as
 * `./openapi.mjs` by its index and router) in the deployed bundles. BetterAuth builds its router
 * with `openapi: { disabled: true }` (better-auth/dist/api/index.mjs), so neither function is ever
 * called; should one be, it fails loudly.
 */
function absent(): never {
  throw new Error('edge-auth: OpenAPI generation is not bundled (BetterAuth disables it)')
}

export const generator = absent
export const getHTML = absent
