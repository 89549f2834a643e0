import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The S3 and SQS round-trip suites again, with every SDK v3 client on the in-process transport
 * (test/support/fixture.ts sdkConfig reads CLOUDBOX_TEST_TRANSPORT). Files that drive boto3 or the
 * aws CLI (named *boto3*, *cli*, *python*) go over HTTP anyway and are not run twice.
 */
process.env["CLOUDBOX_TEST_TRANSPORT"] = "in-process";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const area of ["s3", "sqs"]) {
  const dir = join(root, area);
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith(".test.js") || /boto3|cli|python/i.test(file)) continue;
    await import(pathToFileURL(join(dir, file)).href);
  }
}
