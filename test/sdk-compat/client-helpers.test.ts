import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";
import { EC2Client, DescribeAvailabilityZonesCommand, DescribeRegionsCommand, DescribeVpnGatewaysCommand } from "@aws-sdk/client-ec2";
import { SNSClient, ListTopicsCommand } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startCloudbox, IN_PROCESS_ENDPOINT } from "../../services/cloudbox.js";
import { clientConfig } from "../../sdk-compat/client/client-config.js";
import { backWithCloudbox } from "../../sdk-compat/client/mock-bridge.js";

describe("clientConfig and the in-process transport", () => {
  let cb: Cloudbox;
  let detached: Cloudbox;
  before(async () => {
    cb = await startCloudbox({ port: 0 });
    detached = await startCloudbox({ listen: false });
  });
  after(async () => {
    await cb.stop();
    await detached.stop();
  });

  it("clientConfig(cb) is all an SDK client needs", async () => {
    const ec2 = new EC2Client(clientConfig(cb, { region: "eu-west-2" }));
    const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(zones.AvailabilityZones?.map((z) => z.ZoneName), ["eu-west-2a", "eu-west-2b", "eu-west-2c"]);
    const s3 = new S3Client(clientConfig(cb.endpoint));
    assert.equal((await s3.send(new ListBucketsCommand({}))).$metadata.httpStatusCode, 200);
  });

  it("a cloudbox with no port answers SDK clients through cb.handler", async () => {
    assert.equal(detached.port, 0);
    assert.equal(detached.endpoint, IN_PROCESS_ENDPOINT);
    const ec2 = new EC2Client(clientConfig(detached, { inProcess: true, region: "ap-south-1" }));
    const zones = await ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ["ap-south-1b"] }));
    assert.deepEqual(zones.AvailabilityZones?.map((z) => z.ZoneId), ["aps1-az2"]);
    const sns = new SNSClient(clientConfig(detached, { inProcess: true }));
    const topics = await sns.send(new ListTopicsCommand({}));
    assert.deepEqual(topics.Topics, []);
    assert.ok(topics.$metadata.requestId);
  });

  it("errors come back through the in-process transport as the SDK's errors, with their status", async () => {
    const ec2 = new EC2Client({ ...clientConfig(detached, { inProcess: true }), maxAttempts: 1 });
    await assert.rejects(ec2.send(new DescribeVpnGatewaysCommand({})), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(error.name, "NotImplemented");
      assert.equal(error.$metadata?.httpStatusCode, 501);
      return true;
    });
  });

  it("clientConfig refuses inProcess for a bare URL", () => {
    assert.throws(() => clientConfig("http://localhost:4566", { inProcess: true }), /needs a started cloudbox/);
  });
});

describe("aws-sdk-client-mock backed by cloudbox", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startCloudbox({ listen: false });
  });
  after(async () => {
    await cb.stop();
  });

  it("unstubbed commands run against cloudbox, stubbed ones keep their behaviour", async () => {
    const ec2Mock = mockClient(EC2Client);
    try {
      backWithCloudbox(ec2Mock, cb, { inProcess: true });
      ec2Mock.on(DescribeRegionsCommand).rejects(Object.assign(new Error("throttled for the test"), { name: "RequestLimitExceeded" }));
      const app = new EC2Client({ region: "us-west-2" });
      const zones = await app.send(new DescribeAvailabilityZonesCommand({}));
      assert.deepEqual(zones.AvailabilityZones?.map((z) => z.ZoneName), ["us-east-1a", "us-east-1b", "us-east-1c"], "the bridge client is cloudbox's, in its default region");
      await assert.rejects(app.send(new DescribeRegionsCommand({})), /throttled for the test/);
      assert.equal(ec2Mock.commandCalls(DescribeAvailabilityZonesCommand).length, 1, "calls stay visible to the mock's assertions");
    } finally {
      ec2Mock.restore();
    }
  });

  it("refuses something that is not a mockClient stub", () => {
    assert.throws(() => backWithCloudbox({ send: { callsFake: () => undefined } }, cb), /mockClient/);
  });
});

describe("stop() leaves no handles open", () => {
  it("a script that starts, uses and stops cloudbox exits by itself", async () => {
    const script = `
      import { startCloudbox, clientConfig } from "./dist/services/index.js";
      import { EC2Client, DescribeRegionsCommand } from "@aws-sdk/client-ec2";
      const cb = await startCloudbox({ port: 0 });
      const ec2 = new EC2Client(clientConfig(cb));
      await ec2.send(new DescribeRegionsCommand({}));
      ec2.destroy();
      await cb.stop();
      console.log("stopped");
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    assert.equal(code, 0, "exited on its own (a kill after 10 s would give null)");
    assert.match(out, /stopped/);
  });
});
