#!/usr/bin/env node
// The flue command: runs the compiled CLI (make builds dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const main = new URL('../dist/host/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("flue: the CLI is not built; run 'make build' (or 'make demo') in the repository\n");
  process.exit(1);
}
const { run } = await import(main.href);
await run(process.argv.slice(2));
