import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web app: built into dist/web, which the Fastify server serves with an SPA fallback. */
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': 'http://localhost:3000' },
  },
});
