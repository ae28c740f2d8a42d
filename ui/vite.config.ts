/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// During `npm run dev`, API calls go to a running `squall serve`; its address
// comes from SQUALL_SERVE (e.g. http://127.0.0.1:40123), the token from the page URL.
const serve = process.env.SQUALL_SERVE ?? 'http://127.0.0.1:7878';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: serve, changeOrigin: true },
      '/ws': { target: serve.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
