import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { TEST_CREDENTIALS } from "../support/fixture.js";

async function startCli(dataDir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ["bin/cloudbox.js", "--port", "0", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "pipe"] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) => {
      const m = /ready on (http:\/\/[^\s]+)/.exec(d.toString());
      if (m) resolve(m[1]!);
      else reject(new Error(`unexpected output: ${d}`));
    });
    child.once("exit", (code) => reject(new Error(`cloudbox exited with ${code}`)));
  });
  return { child, endpoint };
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once("exit", () => resolve()));
const config = (endpoint: string) => ({ endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });

describe("--data-dir: state survives restarts and kill -9", () => {
  it("buckets, small and large objects and queued messages acknowledged before a kill -9 are there after restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cloudbox-persist-"));
    const small = Buffer.from("acknowledged means durable");
    const large = randomBytes(300 * 1024);
    const first = await startCli(dataDir);
    try {
      const s3 = new S3Client(config(first.endpoint));
      await s3.send(new CreateBucketCommand({ Bucket: "kept" }));
      await s3.send(new PutObjectCommand({ Bucket: "kept", Key: "small.txt", Body: small }));
      await s3.send(new PutObjectCommand({ Bucket: "kept", Key: "large.bin", Body: large }));
      const sqs = new SQSClient(config(first.endpoint));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "kept" }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "still here" }));
      first.child.kill("SIGKILL");
      await exited(first.child);

      const second = await startCli(dataDir);
      try {
        const s3b = new S3Client(config(second.endpoint));
        const buckets = await s3b.send(new ListBucketsCommand({}));
        assert.deepEqual(buckets.Buckets?.map((b) => b.Name), ["kept"]);
        const smallBack = await s3b.send(new GetObjectCommand({ Bucket: "kept", Key: "small.txt" }));
        assert.deepEqual(Buffer.from(await smallBack.Body!.transformToByteArray()), small);
        const largeBack = await s3b.send(new GetObjectCommand({ Bucket: "kept", Key: "large.bin" }));
        assert.deepEqual(Buffer.from(await largeBack.Body!.transformToByteArray()), large);
        const sqsb = new SQSClient(config(second.endpoint));
        const { QueueUrl: url2 } = await sqsb.send(new CreateQueueCommand({ QueueName: "kept" }));
        const received = await sqsb.send(new ReceiveMessageCommand({ QueueUrl: url2, WaitTimeSeconds: 1 }));
        assert.deepEqual(received.Messages?.map((m) => m.Body), ["still here"]);
      } finally {
        second.child.kill("SIGTERM");
        await exited(second.child);
      }
    } finally {
      // A failed step must not leave the first server running (the test run would wait for it forever).
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
