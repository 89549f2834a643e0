import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import request from "supertest";
import { EC2Client, DescribeVpnGatewaysCommand } from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startCloudbox, PortInUseError } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

const SIGNED = (service: string) => `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;
const form = "application/x-www-form-urlencoded; charset=utf-8";

describe("the edge: health, errors in each protocol's envelope, and staying up", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startTestCloudbox();
  });
  after(async () => {
    await cb.stop();
  });

  it("answers health on /_cloudbox/health and LocalStack's path", async () => {
    for (const path of ["/_cloudbox/health", "/_localstack/health"]) {
      const res = await request(cb.endpoint).get(path).expect(200);
      assert.deepEqual(Object.keys(res.body.services).sort(), ["ebs", "ec2", "iam", "s3", "sns", "sqs", "sts"]);
      assert.equal(res.body.services.s3, "running");
    }
  });

  it("answers an operation it does not implement with 501 NotImplemented naming it (SDK v3)", async () => {
    const ec2 = new EC2Client(sdkConfig(cb));
    await assert.rejects(ec2.send(new DescribeVpnGatewaysCommand({})), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(error.name, "NotImplemented");
      assert.match(error.message, /DescribeVpnGateways/);
      assert.equal(error.$metadata?.httpStatusCode, 501);
      return true;
    });
  });

  it("EC2: an unknown Action is InvalidAction in the <Response><Errors> envelope", async () => {
    const res = await request(cb.endpoint).post("/").set("content-type", form).set("authorization", SIGNED("ec2")).send("Action=MakeMeASandwich&Version=2016-11-15").expect(400);
    assert.match(res.text, /<Response><Errors><Error><Code>InvalidAction<\/Code><Message>The action MakeMeASandwich is not valid for this web service.<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>/);
  });

  it("query: a missing required member is MissingParameter in <ErrorResponse>", async () => {
    const res = await request(cb.endpoint).post("/").set("content-type", form).set("authorization", SIGNED("sns")).send("Action=Publish&Version=2010-03-31&TopicArn=arn:aws:sns:us-east-1:000000000000:t").expect(400);
    assert.match(res.text, /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>MissingParameter<\/Code><Message>The request must contain the parameter Message<\/Message><\/Error>/);
  });

  it("query: an unsigned form post is routed by its Version and Action", async () => {
    const res = await request(cb.endpoint).post("/").set("content-type", form).send("Action=ListTopics&Version=2010-03-31").expect(200);
    assert.match(res.text, /<ListTopicsResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><ListTopicsResult>/);
  });

  it("json: a body that is not JSON is a 400 SerializationException with __type", async () => {
    const res = await request(cb.endpoint).post("/").set("content-type", "application/x-amz-json-1.0").set("x-amz-target", "AmazonSQS.ListQueues").send("{nope").expect(400);
    assert.equal(JSON.parse(res.text).__type, "com.amazonaws.sqs#SerializationException");
  });

  it("json: an unknown target is UnknownOperationException", async () => {
    const res = await request(cb.endpoint).post("/").set("content-type", "application/x-amz-json-1.0").set("x-amz-target", "AmazonSQS.Teleport").send("{}").expect(400);
    assert.equal(JSON.parse(res.text).__type, "com.amazonaws.sqs#UnknownOperationException");
  });

  it("rest-xml: malformed XML is MalformedXML in S3's bare <Error>", async () => {
    const res = await request(cb.endpoint).post("/bucket?delete").set("authorization", SIGNED("s3")).set("content-type", "application/xml").send("<Delete><Object><Key>a</Key>").expect(400);
    assert.match(res.text, /<Error><Code>MalformedXML<\/Code>/);
    assert.ok(res.headers["x-amz-request-id"]);
  });

  it("rest-xml: a method no S3 operation takes is 405 MethodNotAllowed", async () => {
    const res = await request(cb.endpoint).patch("/bucket/key").set("authorization", SIGNED("s3")).expect(405);
    assert.match(res.text, /<Code>MethodNotAllowed<\/Code>/);
  });

  it("keeps serving after every bad request above", async () => {
    await request(cb.endpoint).get("/_cloudbox/health").expect(200);
  });
});

describe("lifecycle: ports, data directories", () => {
  it("refuses a port that is taken with a message saying what to do", async () => {
    const first = await startTestCloudbox();
    try {
      await assert.rejects(startCloudbox({ port: first.port }), (error: unknown) => {
        assert.ok(error instanceof PortInUseError);
        assert.match((error as Error).message, /already in use.*--port/);
        return true;
      });
    } finally {
      await first.stop();
    }
  });

  it("the CLI exits non-zero with a clear message when the port is taken", async () => {
    const first = await startTestCloudbox();
    try {
      const child = spawn(process.execPath, ["bin/cloudbox.js", "--port", String(first.port)], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      assert.equal(code, 1);
      assert.match(stderr, new RegExp(`Port ${first.port} on 127.0.0.1 is already in use`));
    } finally {
      await first.stop();
    }
  });

  it("without --data-dir nothing is left on disk after the CLI exits", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "cloudbox-tmp-test-"));
    try {
      const child = spawn(process.execPath, ["bin/cloudbox.js", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TMPDIR: scratch } });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      assert.equal(readdirSync(scratch).length, 1, "the temp data dir exists while running");
      child.kill("SIGTERM");
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      assert.equal(code, 0);
      assert.deepEqual(readdirSync(scratch), []);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("the CLI takes per-service settings from a JSON file (a one-host m5 fleet)", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "cloudbox-settings-test-"));
    try {
      const file = join(scratch, "settings.json");
      writeFileSync(file, JSON.stringify({ ec2: { fleet: { zones: { "us-east-1a": { m5: 1 } } } } }));
      const child = spawn(process.execPath, ["bin/cloudbox.js", "--port", "0", "--settings", file], { stdio: ["ignore", "pipe", "pipe"] });
      const endpoint = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(/ready on (\S+)/.exec(d.toString())![1]!)));
      try {
        const res = await request(endpoint).get("/_cloudbox/ec2/hosts?az=us-east-1a&family=m5").expect(200);
        assert.equal(res.body.hosts.length, 1);
        assert.equal(res.body.hosts[0].family, "m5");
      } finally {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.on("close", resolve));
      }
      const bad = await new Promise<number | null>((resolve) => spawn(process.execPath, ["bin/cloudbox.js", "--settings", join(scratch, "missing.json")], { stdio: "ignore" }).on("close", resolve));
      assert.equal(bad, 2);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("stop() removes the temporary data dir of an in-process cloudbox", async () => {
    const cb = await startTestCloudbox();
    const dir = cb.platform.dataDir;
    assert.ok(existsSync(dir));
    await cb.stop();
    assert.equal(existsSync(dir), false);
  });
});
