import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { IAMClient, CreateRoleCommand, CreateUserCommand, CreateAccessKeyCommand, TagRoleCommand } from "@aws-sdk/client-iam";
import type { Cloudbox } from "../../services/cloudbox.js";
import { boto3, failure, sdkConfig, startTestCloudbox } from "../support/fixture.js";

// Trust policies are checked by the shared policy evaluator: condition keys of the call
// (sts:ExternalId), of the caller (aws:PrincipalTag/*), principals by session, role or account,
// and an explicit Deny over an Allow.

let cloudbox: Cloudbox;
before(async () => {
  cloudbox = await startTestCloudbox({ clock: "virtual" });
});
after(() => cloudbox.stop());

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const as = (credentials: Keys) => ({ ...sdkConfig(cloudbox), credentials });
const account = (id: string): Keys => ({ accessKeyId: id, secretAccessKey: "x" });
const OWNER = "555555555555";
const iam = () => new IAMClient(as(account(OWNER)));
const trust = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

async function userKeys(owner: string, name: string, tags: { Key: string; Value: string }[] = []): Promise<Keys> {
  const client = new IAMClient(as(account(owner)));
  await client.send(new CreateUserCommand({ UserName: name, Tags: tags.length ? tags : undefined }));
  const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

test("sts:ExternalId: a role that asks for one is assumed only with that one", async () => {
  const { Role } = await iam().send(new CreateRoleCommand({
    RoleName: "vendor-access",
    AssumeRolePolicyDocument: trust({ Effect: "Allow", Principal: { AWS: "666666666666" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "Unique-9f3" } } }),
  }));
  const sts = new STSClient(as(account("666666666666")));
  for (const ExternalId of [undefined, "Other-id"]) {
    const denied = await failure(sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "vendor", ExternalId })));
    assert.deepEqual([denied.name, denied.$metadata.httpStatusCode], ["AccessDenied", 403]);
    assert.equal(denied.message, `User: arn:aws:iam::666666666666:root is not authorized to perform: sts:AssumeRole on resource: ${Role!.Arn}`);
  }
  const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "vendor", ExternalId: "Unique-9f3" }));
  assert.equal(assumed.AssumedRoleUser!.Arn, `arn:aws:sts::${OWNER}:assumed-role/vendor-access/vendor`);

  // The same through boto3, as a vendor's integration would call it.
  const viaBoto3 = (await boto3(cloudbox, `
import boto3, json
sts = boto3.client("sts", aws_access_key_id="666666666666", aws_secret_access_key="x")
out = {}
try:
    sts.assume_role(RoleArn="${Role!.Arn}", RoleSessionName="py")
except sts.exceptions.ClientError as e:
    out["without"] = e.response["Error"]["Code"]
out["with"] = sts.assume_role(RoleArn="${Role!.Arn}", RoleSessionName="py", ExternalId="Unique-9f3")["AssumedRoleUser"]["Arn"]
print(json.dumps(out))
`)) as { without: string; with: string };
  assert.deepEqual(viaBoto3, { without: "AccessDenied", with: `arn:aws:sts::${OWNER}:assumed-role/vendor-access/py` });
});

test("aws:PrincipalTag: a user's tags, and a role session's role and session tags, decide", async () => {
  const { Role } = await iam().send(new CreateRoleCommand({
    RoleName: "build-only",
    AssumeRolePolicyDocument: trust({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OWNER}:root` }, Action: ["sts:AssumeRole", "sts:TagSession"], Condition: { StringEquals: { "aws:PrincipalTag/team": "build" } } }),
  }));
  const builder = await userKeys(OWNER, "builder", [{ Key: "team", Value: "build" }]);
  const tester = await userKeys(OWNER, "tester", [{ Key: "team", Value: "qa" }]);
  const ok = await new STSClient(as(builder)).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "bb" }));
  assert.equal(ok.AssumedRoleUser!.Arn, `arn:aws:sts::${OWNER}:assumed-role/build-only/bb`);
  const denied = await failure(new STSClient(as(tester)).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "tt" })));
  assert.equal(denied.name, "AccessDenied");
  assert.match(denied.message, /^User: arn:aws:iam::555555555555:user\/tester is not authorized/);

  // A role session carries its role's tags, overridden by its session tags.
  const { Role: hop } = await iam().send(new CreateRoleCommand({ RoleName: "hop", AssumeRolePolicyDocument: trust({ Effect: "Allow", Principal: { AWS: OWNER }, Action: ["sts:AssumeRole", "sts:TagSession"] }) }));
  const root = new STSClient(as(account(OWNER)));
  const session = async (tags?: { Key: string; Value: string }[]) => {
    const { Credentials } = await root.send(new AssumeRoleCommand({ RoleArn: hop!.Arn, RoleSessionName: "hop", Tags: tags }));
    return new STSClient(as({ accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! }));
  };
  assert.equal((await failure((await session()).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "chain" })))).name, "AccessDenied");
  await iam().send(new TagRoleCommand({ RoleName: "hop", Tags: [{ Key: "team", Value: "build" }] }));
  const byRoleTag = await (await session()).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "chain" }));
  assert.equal(byRoleTag.AssumedRoleUser!.Arn, `arn:aws:sts::${OWNER}:assumed-role/build-only/chain`);
  const overridden = await failure((await session([{ Key: "Team", Value: "qa" }])).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "chain" })));
  assert.equal(overridden.name, "AccessDenied");
});

test("principals: a session is trusted by its role's ARN (path included); a Deny on one user wins over the account's Allow", async () => {
  const { Role: source } = await iam().send(new CreateRoleCommand({ RoleName: "ci", Path: "/pipelines/", AssumeRolePolicyDocument: trust({ Effect: "Allow", Principal: { AWS: OWNER }, Action: "sts:AssumeRole" }) }));
  await userKeys(OWNER, "mallory");
  const { Role: target } = await iam().send(new CreateRoleCommand({
    RoleName: "deployer",
    AssumeRolePolicyDocument: trust(
      { Effect: "Allow", Principal: { AWS: [source!.Arn!, OWNER] }, Action: "sts:AssumeRole" },
      { Effect: "Deny", Principal: { AWS: `arn:aws:iam::${OWNER}:user/mallory` }, Action: "sts:AssumeRole" },
    ),
  }));
  const { Credentials } = await new STSClient(as(account(OWNER))).send(new AssumeRoleCommand({ RoleArn: source!.Arn, RoleSessionName: "job-7" }));
  const ci = new STSClient(as({ accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! }));
  const chained = await ci.send(new AssumeRoleCommand({ RoleArn: target!.Arn, RoleSessionName: "deploy" }));
  assert.equal(chained.AssumedRoleUser!.Arn, `arn:aws:sts::${OWNER}:assumed-role/deployer/deploy`);

  const mallory = await new IAMClient(as(account(OWNER))).send(new CreateAccessKeyCommand({ UserName: "mallory" }));
  const denied = await failure(new STSClient(as({ accessKeyId: mallory.AccessKey!.AccessKeyId!, secretAccessKey: mallory.AccessKey!.SecretAccessKey! }))
    .send(new AssumeRoleCommand({ RoleArn: target!.Arn, RoleSessionName: "mm" })));
  assert.deepEqual([denied.name, denied.$metadata.httpStatusCode], ["AccessDenied", 403]);
});
