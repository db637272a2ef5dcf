// @ts-check
/** A minimal Docusaurus 3 site: a home page, a sign-in page, and a "who am I" badge on every page. */

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
      items: [{ to: '/sign-in', label: 'Sign in', position: 'left' }],
    },
  },
}

export default config
