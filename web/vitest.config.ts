// The TypeScript engine's own tests (web/test/*.test.ts), run under Node by `npm test` (scripts/test
// runs it). They cover what only the browser engine has: the conformance tests in tests/ hold the
// rest of it to the Python engine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
  },
});
