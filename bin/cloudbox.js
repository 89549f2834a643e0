#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// A server runs the same few request paths thousands of times a second. V8's default tier-up
// budget is sized for web pages: a short per-request function waits several thousand calls for
// the optimizing compiler, which then runs while requests are served. A smaller budget settles
// the hot paths within the first few hundred requests.
setFlagsFromString("--interrupt-budget=16384");

const { main } = await import("../dist/services/cli.js");
const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
