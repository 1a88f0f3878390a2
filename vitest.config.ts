import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  // One graphql copy: Node loads graphql 16's CommonJS build for the server's dependencies, so the
  // tests must too (Vite would otherwise pick index.mjs and the schema would come from "another realm").
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
  test: {
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: more workers only contend for them (each test file holds its own database).
    maxWorkers: 2,
  },
});
