/** Documentation snippets the page bundles (page/server.ts reads them from docs/email.md and docs/social-sign-in.md). */
declare module 'readme:sign-in' {
  export function signInLink(provider: 'github' | 'google' | 'oidc', label: string): HTMLAnchorElement
  export function signInOutcome(): Promise<string>
}

declare module 'readme:email' {
  import type { emailOTPClient } from 'better-auth/client/plugins'
  import type { EdgeAuthClient } from 'edge-auth/client'
  export const authClient: EdgeAuthClient<[ReturnType<typeof emailOTPClient>]>
  export function signUp(site: string, email: string, password: string, name: string): Promise<string>
  export function requestReset(site: string, email: string): Promise<string>
  export function resetPassword(pageUrl: string, newPassword: string): Promise<string>
  export function sendCode(email: string): Promise<void>
  export function signInWithCode(email: string, otp: string): Promise<string>
}
