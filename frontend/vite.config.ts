/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

// `npm run dev` proxies API calls to a server started with `product-importer serve`.
const apiTarget = process.env.API_URL ?? 'http://127.0.0.1:8000';

/** The API refuses writes from other sites' pages: the dev server's own pass as the API's;
 * another site's, sent through the proxy, stay refused. */
const asTheApisOwnPages: ProxyOptions['configure'] = (proxy) => {
  proxy.on('proxyReq', (proxyReq, request) => {
    if (originHost(request.headers.origin) === request.headers.host) {
      proxyReq.setHeader('origin', new URL(apiTarget).origin);
    }
  });
};

function originHost(origin: string | undefined): string | undefined {
  try {
    return origin ? new URL(origin).host : undefined;
  } catch {
    return undefined; // `null`, or not a URL
  }
}

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true, configure: asTheApisOwnPages },
      '/health': { target: apiTarget, changeOrigin: true },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
    // Well above what a test takes on a busy machine: at the 5 s default, user-event typing ran out
    // of time under load, and a test stopped that way kept typing into the next one.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
