import { fileURLToPath } from 'node:url';
import { constants } from 'node:zlib';
import { defineConfig } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

const clientRoot = fileURLToPath(new URL('.', import.meta.url));
/** Where `npm run dev` proxies the live session, the REST API and the notes when the client runs on Vite's dev server. */
const backend = process.env.ROUNDTABLE_URL ?? 'http://localhost:3000';

/**
 * The Roundtable web client: Preact through esbuild's automatic JSX runtime (no plugin), built into
 * client/dist, which the server serves. The notes editor and media load later as separate chunks.
 * Text assets are also written gzipped and brotli-compressed beside each file, at the highest
 * levels (once per build, not per request): on a slow link the bytes are what the wait is made of.
 */
export default defineConfig({
  root: clientRoot,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  plugins: [
    compression({
      include: /\.(js|mjs|css|html|json|svg|txt)$/,
      exclude: /\.vite\//,
      threshold: 0,
      algorithms: [defineAlgorithm('gzip', { level: 9 }), defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })],
      logLevel: 'silent',
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The manifest tells the size script which chunks a participant loads before anything lazy.
    manifest: true,
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod places explanatory comments where Rollup looks for pure annotations; harmless.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/socket.io': { target: backend, ws: true },
      '/yjs': { target: backend, ws: true },
      '/api': backend,
    },
  },
});
