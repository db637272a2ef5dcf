/**
 * The page's one client: the README's `src/lib/auth.ts` as its mail section writes it (with
 * BetterAuth's email-code plugin), bundled from README.md with the service's origin from the page
 * server. The README's sign-in snippet imports it as `./auth`.
 */
export { authClient } from 'readme:email'
