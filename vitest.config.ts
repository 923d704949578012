import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    environment: "node",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{app,components,db,inngest,lib,testing}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.int.test.ts", "**/*.int.test.tsx"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{app,components,db,inngest,lib,scripts,testing}/**/*.int.test.ts"],
          // next-auth imports `next/server` without an extension, which only a bundler resolves: let Vite load it
          // (the session tests call the real Auth.js handlers in-process).
          server: { deps: { inline: ["next-auth"] } },
          globalSetup: ["./scripts/test/integration-global-setup.ts"],
          setupFiles: ["./scripts/test/integration-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
