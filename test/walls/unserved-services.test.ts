import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { SNSClient, ListTopicsCommand } from "@aws-sdk/client-sns";
import { SQSClient, ListQueuesCommand } from "@aws-sdk/client-sqs";
import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";
import type { Cloudbox } from "../../services/cloudbox.js";
import { failure, pythonEnv, run, sdkConfig, startTestCloudbox } from "../support/fixture.js";

const SERVED = /cloudbox serves s3, sqs, sns, ec2, ebs/;

describe("a service cloudbox does not emulate gets a readable 501 in its own protocol", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startTestCloudbox();
  });
  after(async () => {
    await cb.stop();
  });

  it("DynamoDB (JSON protocol) from the SDK", async () => {
    const client = new DynamoDBClient(sdkConfig(cb));
    const error = await failure(client.send(new ListTablesCommand({})));
    client.destroy();
    assert.equal(error.name, "NotImplemented");
    assert.equal(error.$metadata.httpStatusCode, 501);
    assert.match(error.message, /The service dynamodb is not emulated by cloudbox/);
    assert.match(error.message, SERVED);
  });

  it("Lambda (REST-JSON) from the SDK", async () => {
    const client = new LambdaClient(sdkConfig(cb));
    const error = await failure(client.send(new ListFunctionsCommand({})));
    client.destroy();
    assert.equal(error.name, "NotImplemented");
    assert.equal(error.$metadata.httpStatusCode, 501);
    assert.match(error.message, /The service lambda is not emulated by cloudbox/);
  });

  it("boto3 reads the code and message for DynamoDB and Lambda", async () => {
    const script = `
import boto3, json, botocore
out = {}
for name, call in [("dynamodb", lambda: boto3.client("dynamodb").list_tables()), ("lambda", lambda: boto3.client("lambda").list_functions())]:
    try:
        call()
        out[name] = "succeeded"
    except botocore.exceptions.ClientError as e:
        out[name] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"]]
print(json.dumps(out))
`;
    const result = await run("python3", ["-"], pythonEnv(cb), script);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split("\n").pop()!) as Record<string, [string, number, string]>;
    for (const name of ["dynamodb", "lambda"]) {
      assert.equal(out[name]![0], "NotImplemented");
      assert.equal(out[name]![1], 501);
      assert.match(out[name]![2], new RegExp(`The service ${name} is not emulated by cloudbox`));
    }
  });

  it("the CLI shows it for a JSON service and a query service (CloudFormation)", async () => {
    for (const [args, name] of [[["dynamodb", "list-tables"], "dynamodb"], [["cloudformation", "list-stacks"], "cloudformation"]] as const) {
      const result = await run("aws", ["--endpoint-url", cb.endpoint, ...args], pythonEnv(cb));
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /\(NotImplemented\)/, result.stderr);
      assert.match(result.stderr, new RegExp(`The service ${name} is not emulated by cloudbox`));
      assert.doesNotMatch(result.stderr, /Unknown|NoSuchBucket|MethodNotAllowed/);
    }
  });

  it("unsigned requests are recognised by X-Amz-Target, form Version or AWS host, never answered as S3", async () => {
    const byTarget = await fetch(`${cb.endpoint}/`, { method: "POST", headers: { "x-amz-target": "DynamoDB_20120810.ListTables", "content-type": "application/x-amz-json-1.0" }, body: "{}" });
    assert.equal(byTarget.status, 501);
    assert.equal(byTarget.headers.get("x-amzn-errortype"), "NotImplemented");
    assert.match(((await byTarget.json()) as { message: string }).message, /dynamodb is not emulated/);

    const byForm = await fetch(`${cb.endpoint}/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Action=ListStacks&Version=2010-05-15" });
    assert.equal(byForm.status, 501);
    const formText = await byForm.text();
    assert.match(formText, /<ErrorResponse><Error><Type>Receiver<\/Type><Code>NotImplemented<\/Code>/);
    assert.match(formText, /API version 2010-05-15 \(Action=ListStacks\) is not emulated by cloudbox/);

    // fetch does not let a caller set Host; node:http does.
    const byHost = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${cb.endpoint}/2015-03-31/functions/`, { headers: { host: "lambda.us-east-1.amazonaws.com" } }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(byHost.status, 501);
    assert.match((JSON.parse(byHost.body) as { message: string }).message, /lambda is not emulated/);
  });
});

describe("a served service switched off with services says so", () => {
  let cb: Cloudbox;
  before(async () => {
    cb = await startTestCloudbox({ services: ["ec2"] });
  });
  after(async () => {
    await cb.stop();
  });

  it("SNS (query), SQS (JSON) and S3 (REST-XML) from the SDK", async () => {
    const clients = [new SNSClient(sdkConfig(cb)), new SQSClient(sdkConfig(cb)), new S3Client(sdkConfig(cb))] as const;
    const calls: Array<[string, Promise<unknown>]> = [
      ["sns", clients[0].send(new ListTopicsCommand({}))],
      ["sqs", clients[1].send(new ListQueuesCommand({}))],
      ["s3", clients[2].send(new ListBucketsCommand({}))],
    ];
    for (const [name, call] of calls) {
      const error = await failure(call);
      assert.equal(error.name, "NotImplemented", `${name}: ${error.message}`);
      assert.equal(error.$metadata.httpStatusCode, 501);
      assert.match(error.message, new RegExp(`The service ${name} is switched off in this cloudbox; it was started serving only ec2`));
    }
    for (const client of clients) client.destroy();
  });

  it("STS, not served here, from the SDK, boto3 and the CLI", async () => {
    const client = new STSClient(sdkConfig(cb));
    const error = await failure(client.send(new GetCallerIdentityCommand({})));
    client.destroy();
    assert.equal(error.name, "NotImplemented");
    assert.equal(error.$metadata.httpStatusCode, 501);
    assert.match(error.message, /The service sts is (not emulated by cloudbox|switched off in this cloudbox)/);
    const script = `
import boto3, json, botocore
try:
    boto3.client("sts").get_caller_identity()
    print(json.dumps("succeeded"))
except botocore.exceptions.ClientError as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"]]))
`;
    const result = await run("python3", ["-"], pythonEnv(cb), script);
    assert.equal(result.code, 0, result.stderr);
    const [code, message] = JSON.parse(result.stdout.trim().split("\n").pop()!) as [string, string];
    assert.equal(code, "NotImplemented");
    assert.match(message, /The service sts is (not emulated|switched off)/);
    const cli = await run("aws", ["--endpoint-url", cb.endpoint, "sts", "get-caller-identity"], pythonEnv(cb));
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /\(NotImplemented\).*The service sts is/);
  });
});
