/**
 * The page's one client, as the README's `src/lib/auth.ts` creates it (with the service's origin
 * from the page server). The README's sign-in snippet imports it as `./auth`.
 */
import { createEdgeAuthClient } from 'edge-auth/client'
import type { PageConfig } from './api.ts'

const config = (window as unknown as { EDGE_AUTH_PAGE: PageConfig }).EDGE_AUTH_PAGE

export const authClient = createEdgeAuthClient({ baseURL: config.serviceOrigin })
