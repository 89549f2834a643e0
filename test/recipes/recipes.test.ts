import { describe, it, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { EC2Client, DescribeRegionsCommand } from "@aws-sdk/client-ec2";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startCloudbox } from "../../services/cloudbox.js";
import { clientConfig } from "../../sdk-compat/client/client-config.js";
import { run, pythonEnv } from "../support/fixture.js";

/** Each recipe in the README, run as a user would run it. */
describe("recipe: node's test runner (this file is the recipe)", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startCloudbox({ port: 0 });
  });
  beforeEach(async () => {
    await cb.reset();
  });
  after(async () => {
    await cb.stop();
  });

  it("talks to cloudbox through clientConfig", async () => {
    const ec2 = new EC2Client(clientConfig(cb));
    const { Regions } = await ec2.send(new DescribeRegionsCommand({ RegionNames: ["us-east-2"] }));
    assert.deepEqual(Regions?.map((r) => r.RegionName), ["us-east-2"]);
  });

  it("a plain script reaches it through AWS_ENDPOINT_URL alone", async () => {
    const result = await run(process.execPath, ["test/recipes/plain-script.mjs"], { ...pythonEnv(cb, "ca-central-1"), AWS_REGION: "ca-central-1" });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "ca-central-1a ca-central-1b ca-central-1c");
  });

  it("boto3 reaches it through AWS_ENDPOINT_URL", async () => {
    const result = await run("python3", ["-c", "import boto3; print(' '.join(z['ZoneName'] for z in boto3.client('ec2').describe_availability_zones()['AvailabilityZones']))"], pythonEnv(cb, "eu-west-3"));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "eu-west-3a eu-west-3b eu-west-3c");
  });

  it("the aws CLI reaches it with --endpoint-url and with AWS_ENDPOINT_URL", async () => {
    const env = pythonEnv(cb);
    const flag = await run("aws", ["--endpoint-url", cb.endpoint, "ec2", "describe-regions", "--region-names", "eu-central-1", "--query", "Regions[].RegionName", "--output", "text"], { ...env, AWS_ENDPOINT_URL: "" });
    assert.equal(flag.code, 0, flag.stderr);
    assert.equal(flag.stdout.trim(), "eu-central-1");
    const fromEnv = await run("aws", ["ec2", "describe-regions", "--region-names", "eu-north-1", "--query", "Regions[].RegionName", "--output", "text"], env);
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(fromEnv.stdout.trim(), "eu-north-1");
  });
});

describe("recipes: Vitest and Jest global setup", () => {
  it("Vitest: globalSetup starts cloudbox and provides its endpoint", async () => {
    const result = await run(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--root", "test/recipes/vitest"], { ...process.env, CI: "true" });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /1 passed/);
  });

  it("Jest: globalSetup starts cloudbox and sets AWS_ENDPOINT_URL for the workers", async () => {
    const result = await run(process.execPath, ["node_modules/jest/bin/jest.js", "--rootDir", "test/recipes/jest", "--config", "test/recipes/jest/jest.config.cjs"], { ...process.env, CI: "true" });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stderr, /1 passed/);
  });
});
