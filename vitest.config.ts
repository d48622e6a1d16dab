import { defineConfig } from "vitest/config";

// Three projects, by file name:
//   *.test.ts       unit: pure logic, milliseconds, nothing started;
//   *.int.test.ts   integration: real nx, git, registry or shellcheck processes, no engine;
//   *.e2e.test.ts   e2e: a real Dagger engine and registry from the harness
//                   (`npm run harness -- provision`); they fail, never skip, without it.
// `npm test` runs all three; `npm run test:unit` the first two.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["{libs,tools,packages}/*/test/**/*.test.ts"],
          exclude: ["**/*.e2e.test.ts", "**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["{libs,tools,packages}/*/test/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
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
