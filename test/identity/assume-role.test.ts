import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { IAMClient, CreateRoleCommand, CreateUserCommand, CreateAccessKeyCommand } from "@aws-sdk/client-iam";
import { S3Client, CreateBucketCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import type { Cloudbox } from "../../services/cloudbox.js";
import { failure, sdkConfig, startTestCloudbox } from "../support/fixture.js";

let cloudbox: Cloudbox;
before(async () => {
  cloudbox = await startTestCloudbox({ clock: "virtual" });
});
after(() => cloudbox.stop());

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const as = (credentials: Keys) => ({ ...sdkConfig(cloudbox), credentials });
const account = (id: string): Keys => ({ accessKeyId: id, secretAccessKey: "x" });

const trustedBy = (principal: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }] });

test("a plain key is its account's root; an IAM user's key is that user", async () => {
  const me = await new STSClient(as(account("111111111111"))).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([me.Account, me.Arn, me.UserId], ["111111111111", "arn:aws:iam::111111111111:root", "111111111111"]);
  const iam = new IAMClient(as(account("111111111111")));
  const { User } = await iam.send(new CreateUserCommand({ UserName: "alice" }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: "alice" }));
  const alice = await new STSClient(as({ accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! })).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([alice.Account, alice.Arn, alice.UserId], ["111111111111", User!.Arn, User!.UserId]);
});

test("a role of 111111111111 trusted by 222222222222: the second assumes it and creates a bucket that belongs to the first", async () => {
  const { Role } = await new IAMClient(as(account("111111111111"))).send(new CreateRoleCommand({ RoleName: "shared", AssumeRolePolicyDocument: trustedBy("222222222222") }));
  const assumed = await new STSClient(as(account("222222222222"))).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "build" }));
  assert.equal(assumed.AssumedRoleUser!.Arn, "arn:aws:sts::111111111111:assumed-role/shared/build");
  assert.match(assumed.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
  const session = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
  const who = await new STSClient(as(session)).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([who.Account, who.Arn], ["111111111111", assumed.AssumedRoleUser!.Arn]);
  await new S3Client(as(session)).send(new CreateBucketCommand({ Bucket: "made-by-222" }));
  const owned = await new S3Client(as(account("111111111111"))).send(new ListBucketsCommand({}));
  assert.ok(owned.Buckets!.some((b) => b.Name === "made-by-222"));
  const others = await new S3Client(as(account("222222222222"))).send(new ListBucketsCommand({}));
  assert.ok(!others.Buckets!.some((b) => b.Name === "made-by-222"));

  const denied = await failure(new STSClient(as(account("333333333333"))).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "build" })));
  assert.equal(denied.name, "AccessDenied");
  assert.equal(denied.$metadata.httpStatusCode, 403);

  cloudbox.clock.advance!(3600 * 1000);
  const expiredS3 = await failure(new S3Client(as(session)).send(new ListBucketsCommand({})));
  assert.deepEqual([expiredS3.name, expiredS3.$metadata.httpStatusCode], ["ExpiredToken", 400]);
  const expiredSts = await failure(new STSClient(as(session)).send(new GetCallerIdentityCommand({})));
  assert.deepEqual([expiredSts.name, expiredSts.$metadata.httpStatusCode, expiredSts.message], ["ExpiredToken", 400, "The security token included in the request is expired"]);
});

test("bad input: unknown role, malformed trust policy, session names, durations", async () => {
  const sts = new STSClient(as(account("444444444444")));
  const unknown = await failure(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::444444444444:role/none", RoleSessionName: "s" + "x" })));
  assert.deepEqual([unknown.name, unknown.$metadata.httpStatusCode], ["AccessDenied", 403]);
  const iam = new IAMClient(as(account("444444444444")));
  const malformed = await failure(iam.send(new CreateRoleCommand({ RoleName: "bad", AssumeRolePolicyDocument: "{not json" })));
  assert.deepEqual([malformed.name, malformed.$metadata.httpStatusCode], ["MalformedPolicyDocumentException", 400]);
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: "self", AssumeRolePolicyDocument: trustedBy("444444444444") }));
  const shortName = await failure(sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "a" })));
  assert.deepEqual([shortName.name, shortName.$metadata.httpStatusCode], ["ValidationError", 400]);
  const badName = await failure(sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "has space" })));
  assert.equal(badName.name, "ValidationError");
  const tooShort = await failure(sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "ok", DurationSeconds: 899 })));
  assert.equal(tooShort.name, "ValidationError");
  const tooLong = await failure(sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "ok", DurationSeconds: 7200 })));
  assert.match(tooLong.message, /exceeds the MaxSessionDuration set for this role/);
});
