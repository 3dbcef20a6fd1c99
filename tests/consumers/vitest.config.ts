// Vitest config for the consumer suite (`.ci/consumers.sh`); kept apart from the unit tests' root config.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/consumers/**/*.e2e.ts'],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'tests/consumers/.results/consumers.json' },
  },
});
