/** Cloudflare Workers entry: the bindings are the environment. */
import { createApp } from './app.ts'

export default createApp()
