#!/usr/bin/env node
const { main } = await import("../dist/services/cli.js");
const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
