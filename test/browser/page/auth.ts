/**
 * The page's one client: `src/lib/auth.ts` as docs/email.md writes it (with
 * BetterAuth's email-code plugin), bundled from docs/email.md with the service's origin from the page
 * server. The sign-in snippet of docs/social-sign-in.md imports it as `./auth`.
 */
export { authClient } from 'readme:email'
