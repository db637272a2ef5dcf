/** README snippets the page bundles (page/server.ts resolves them from README.md). */
declare module 'readme:sign-in' {
  export function signInLink(provider: 'github' | 'google' | 'oidc', label: string): HTMLAnchorElement
  export function signInOutcome(): Promise<string>
}
