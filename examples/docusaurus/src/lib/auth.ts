// The one file of docs/frontend.md, with the service of `npm run dev` as its URL.
import { createEdgeAuthClient } from 'edge-auth/client'

export const authClient = createEdgeAuthClient({ baseURL: 'http://localhost:8787' })
