// @ts-check
/**
 * A minimal Docusaurus 3 site: a home page, "Sign in" through the service's hosted pages, a sign-in
 * form of its own, and a "who am I" badge on every page.
 */

/** @type {import('@docusaurus/types').Config} */
const config = {
  title: 'edge-auth + Docusaurus',
  tagline: 'Signing in against an edge-auth service with edge-auth/client',
  url: 'http://localhost:3000',
  baseUrl: '/',
  onBrokenLinks: 'throw',
  presets: [
    [
      'classic',
      /** @type {import('@docusaurus/preset-classic').Options} */
      ({ docs: false, blog: false }),
    ],
  ],
  themeConfig: {
    navbar: {
      title: 'edge-auth example',
      items: [
        // The service's hosted sign-in page (docs/pages.md): it comes back here signed in.
        {
          href: 'http://localhost:8787/sign-in?callbackURL=http%3A%2F%2Flocalhost%3A3000%2F',
          label: 'Sign in',
          position: 'left',
          target: '_self',
        },
        // The site's own form, with edge-auth/client (docs/frontend.md).
        { to: '/sign-in', label: 'Sign-in form', position: 'left' },
      ],
    },
  },
}

export default config
