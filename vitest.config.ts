import { defineConfig } from "vitest/config";

// Two projects: `unit` is pure logic and runs in seconds without an engine;
// `e2e` drives real nx, git, Dagger and registry processes and needs the
// harness (`npm run harness -- provision`). `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["{libs,tools,packages}/*/test/**/*.test.ts"],
          exclude: ["**/*.e2e.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "e2e",
          include: ["{libs,tools,packages}/*/test/**/*.e2e.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 20 * 60_000,
          hookTimeout: 20 * 60_000,
          // The engine and registry are shared machine-wide; files run one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
