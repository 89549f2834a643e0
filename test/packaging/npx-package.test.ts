import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { DescribeInstanceTypesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { TEST_CREDENTIALS } from "../support/fixture.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

interface PackedFile {
  path: string;
}

test("npm pack holds what the server reads at run time and nothing else", () => {
  const [packed] = JSON.parse(npm(["pack", "--dry-run", "--json", "--ignore-scripts"], root)) as { files: PackedFile[] }[];
  const paths = packed!.files.map((f) => f.path);
  for (const needed of ["bin/cloudbox.js", "dist/services/cli.js", "dist/services/index.js", "dist/services/index.d.ts", "sdk-compat/models/ec2.json", "sdk-compat/models/NOTICE", "compute/catalog/data/instance-types.json", "package.json"]) {
    assert.ok(paths.includes(needed), `${needed} is in the package`);
  }
  const unwanted = paths.filter((p) => p.startsWith("dist/test/") || p.startsWith("test/") || p.endsWith(".map") || (p.endsWith(".ts") && !p.endsWith(".d.ts")) || p.startsWith(".ci/") || p.includes("/bench/"));
  assert.deepEqual(unwanted, []);
});

test("the packed tarball installs into an empty directory and `npx cloudbox` serves every service", { timeout: 180_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), "cloudbox-npx-"));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  // dist/ is current: `npm test` builds before it runs the tests.
  const tarball = join(work, npm(["pack", "--silent", "--ignore-scripts", "--pack-destination", work], root).trim().split("\n").pop()!);
  const app = join(work, "app");
  execFileSync("mkdir", [app]);
  // Dependencies come from npm's cache; better-sqlite3's binary, which a user's install downloads prebuilt,
  // is this checkout's own build for the same Node.
  npm(["install", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", tarball], app);
  const binding = join("node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node");
  execFileSync("mkdir", ["-p", dirname(join(app, binding))]);
  copyFileSync(join(root, binding), join(app, binding));

  // npx runs cloudbox as its child: a process group of their own lets the test signal both, as a terminal's Ctrl-C does.
  const server = spawn("npx", ["cloudbox", "--port", "0"], { cwd: app, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, AWS_ENDPOINT_URL: "" } });
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-server.pid!, name);
    } catch {
      // the group has already gone
    }
  };
  t.after(() => signal("SIGKILL"));
  let stderr = "";
  server.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    server.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const ready = /ready on (http:\/\/\S+)/.exec(stdout);
      if (ready) resolve(ready[1]!);
    });
    server.on("exit", (code) => reject(new Error(`npx cloudbox exited with ${code}: ${stderr}`)));
  });

  const config = { endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, forcePathStyle: true };
  await new S3Client(config).send(new CreateBucketCommand({ Bucket: "from-the-package" }));
  const buckets = await new S3Client(config).send(new ListBucketsCommand({}));
  assert.deepEqual(buckets.Buckets?.map((b) => b.Name), ["from-the-package"]);
  const queue = await new SQSClient(config).send(new CreateQueueCommand({ QueueName: "q" }));
  assert.match(queue.QueueUrl!, /\/000000000000\/q$/);
  const topic = await new SNSClient(config).send(new CreateTopicCommand({ Name: "t" }));
  assert.equal(topic.TopicArn, "arn:aws:sns:us-east-1:000000000000:t");
  const types = await new EC2Client(config).send(new DescribeInstanceTypesCommand({ InstanceTypes: ["m5.large"] }));
  assert.equal(types.InstanceTypes?.[0]?.VCpuInfo?.DefaultVCpus, 2);

  // the pipes close only when cloudbox itself, which shares them, has exited
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  signal("SIGTERM");
  await closed;
  await assert.rejects(fetch(`${endpoint}/_cloudbox/health`), "the port is closed once cloudbox has stopped");
  assert.doesNotMatch(stderr, /error/i);
});
