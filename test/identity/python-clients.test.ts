import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IAMClient, CreateRoleCommand, CreateUserCommand, CreateAccessKeyCommand } from "@aws-sdk/client-iam";
import type { Cloudbox } from "../../services/cloudbox.js";
import { awsCli, boto3, pythonEnv, run, startTestCloudbox } from "../support/fixture.js";
import { keysOf, rootOf, signedAs, trustedBy } from "./identity-fixture.js";

let cloudbox: Cloudbox;
let home: string;
before(async () => {
  cloudbox = await startTestCloudbox();
  home = mkdtempSync(join(tmpdir(), "cloudbox-profiles-"));
});
after(async () => {
  await cloudbox.stop();
  rmSync(home, { recursive: true, force: true });
});

/**
 * A config file whose `release` profile assumes `roleArn` with the keys of its `builder` source
 * profile, every profile naming cloudbox as its endpoint_url; and an environment that holds no
 * other credentials or endpoint, so that only the profiles can lead the clients to cloudbox.
 */
function profileEnv(roleArn: string, keys: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv {
  const config = join(home, `config-${roleArn.split("/").pop()}`);
  writeFileSync(config, [
    "[profile builder]", `aws_access_key_id = ${keys.accessKeyId}`, `aws_secret_access_key = ${keys.secretAccessKey}`, `endpoint_url = ${cloudbox.endpoint}`, "region = us-east-1",
    "[profile release]", `role_arn = ${roleArn}`, "source_profile = builder", "role_session_name = from-profile", `endpoint_url = ${cloudbox.endpoint}`, "region = us-east-1", "",
  ].join("\n"));
  // HOME is the test's own: the CLI caches assumed-role credentials under ~/.aws/cli/cache, and a
  // cache of an earlier run (another cloudbox) would hand out sessions this one never issued.
  const env: NodeJS.ProcessEnv = { ...pythonEnv(cloudbox), AWS_CONFIG_FILE: config, AWS_PROFILE: "release", HOME: home };
  for (const name of ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"]) delete env[name];
  return env;
}

async function releaseRole(account: string): Promise<{ roleArn: string; keys: { accessKeyId: string; secretAccessKey: string } }> {
  const iam = new IAMClient(signedAs(cloudbox, rootOf(account)));
  const { User } = await iam.send(new CreateUserCommand({ UserName: "builder" }));
  const keys = keysOf((await iam.send(new CreateAccessKeyCommand({ UserName: "builder" }))).AccessKey);
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: "release", AssumeRolePolicyDocument: trustedBy(User!.Arn!) }));
  return { roleArn: Role!.Arn!, keys };
}

test("boto3: an AssumeRole profile (role_arn + source_profile, endpoint_url) reaches S3 as the role", async () => {
  const account = "600000000001";
  const { roleArn, keys } = await releaseRole(account);
  const script = `
import boto3, json
session = boto3.Session()
who = session.client("sts").get_caller_identity()
s3 = session.client("s3")
s3.create_bucket(Bucket="boto3-release")
s3.put_object(Bucket="boto3-release", Key="k", Body=b"via profile")
body = s3.get_object(Bucket="boto3-release", Key="k")["Body"].read().decode()
creds = session.get_credentials().get_frozen_credentials()
print(json.dumps({"arn": who["Arn"], "account": who["Account"], "body": body, "key": creds.access_key[:4], "token": bool(creds.token)}))
`;
  const result = await run("python3", ["-"], profileEnv(roleArn, keys), script);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout.trim().split("\n").pop()!), {
    arn: `arn:aws:sts::${account}:assumed-role/release/from-profile`, account, body: "via profile", key: "ASIA", token: true,
  });
});

test("the AWS CLI: the same profile chain, get-caller-identity, create-role and list-roles", async () => {
  const account = "600000000002";
  const { roleArn, keys } = await releaseRole(account);
  const chained = await run("aws", ["sts", "get-caller-identity", "--output", "json"], profileEnv(roleArn, keys));
  assert.equal(chained.code, 0, chained.stderr);
  assert.equal(JSON.parse(chained.stdout).Arn, `arn:aws:sts::${account}:assumed-role/release/from-profile`);

  const me = await awsCli(cloudbox, ["sts", "get-caller-identity"]);
  assert.equal(me.code, 0, me.stderr);
  assert.deepEqual(me.json, { UserId: "000000000000", Account: "000000000000", Arn: "arn:aws:iam::000000000000:root" });
  const created = await awsCli(cloudbox, ["iam", "create-role", "--role-name", "cli-role", "--path", "/cli/", "--assume-role-policy-document", trustedBy("000000000000")]);
  assert.equal(created.code, 0, created.stderr);
  const role = (created.json as { Role: { Arn: string; RoleName: string } }).Role;
  assert.deepEqual([role.Arn, role.RoleName], ["arn:aws:iam::000000000000:role/cli/cli-role", "cli-role"]);
  const listed = await awsCli(cloudbox, ["iam", "list-roles", "--path-prefix", "/cli/"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual((listed.json as { Roles: { RoleName: string }[] }).Roles.map((r) => r.RoleName), ["cli-role"]);
  const malformed = await awsCli(cloudbox, ["iam", "create-role", "--role-name", "cli-bad", "--assume-role-policy-document", "{not json"]);
  assert.notEqual(malformed.code, 0);
  assert.match(malformed.stderr, /\(MalformedPolicyDocument\) when calling the CreateRole operation/);
});

test("boto3: IAM and STS operations and the wire error codes they answer", async () => {
  const result = (await boto3(cloudbox, `
import boto3, json
from botocore.exceptions import ClientError
root = boto3.client("iam", aws_access_key_id="600000000003", aws_secret_access_key="x")
out = {}
def code(call):
    try:
        call()
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    return None
user = root.create_user(UserName="py-user")["User"]
key = root.create_access_key(UserName="py-user")["AccessKey"]
sts_user = boto3.client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
out["user_is_caller"] = sts_user.get_caller_identity()["Arn"] == user["Arn"]
session = sts_user.get_session_token(DurationSeconds=900)["Credentials"]
out["session_key"] = session["AccessKeyId"][:4]
policy = root.create_policy(PolicyName="py-policy", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))["Policy"]
root.create_policy_version(PolicyArn=policy["Arn"], PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}), SetAsDefault=True)
out["default_version"] = root.get_policy(PolicyArn=policy["Arn"])["Policy"]["DefaultVersionId"]
doc = root.get_policy_version(PolicyArn=policy["Arn"], VersionId="v2")["PolicyVersion"]["Document"]
out["document_decoded"] = doc["Statement"][0]["Action"]
role = root.create_role(RoleName="py-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": "sts:AssumeRole"}]}))["Role"]
assumed = sts_user.assume_role(RoleArn=role["Arn"], RoleSessionName="py")
out["assumed"] = assumed["AssumedRoleUser"]["Arn"]
root.create_group(GroupName="py-group")
root.add_user_to_group(GroupName="py-group", UserName="py-user")
out["paged_roles"] = [r["RoleName"] for page in root.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 1}) for r in page["Roles"]]
out["errors"] = {
    "no_such_entity": code(lambda: root.get_user(UserName="nobody")),
    "already_exists": code(lambda: root.create_user(UserName="PY-USER")),
    "malformed": code(lambda: root.create_role(RoleName="bad", AssumeRolePolicyDocument="{")),
    "delete_conflict": code(lambda: root.delete_group(GroupName="py-group")),
    "limit_exceeded": code(lambda: [root.create_access_key(UserName="py-user") for _ in range(2)]),
    "assume_unknown": code(lambda: sts_user.assume_role(RoleArn="arn:aws:iam::600000000003:role/none", RoleSessionName="py")),
    "session_name": code(lambda: sts_user.assume_role(RoleArn=role["Arn"], RoleSessionName="has space")),
    "duration": code(lambda: sts_user.assume_role(RoleArn=role["Arn"], RoleSessionName="py", DurationSeconds=7200)),
}
print(json.dumps(out))
`)) as Record<string, unknown>;
  assert.deepEqual(result, {
    user_is_caller: true,
    session_key: "ASIA",
    default_version: "v2",
    document_decoded: "s3:Get*",
    assumed: "arn:aws:sts::600000000003:assumed-role/py-role/py",
    paged_roles: ["py-role"],
    errors: {
      no_such_entity: ["NoSuchEntity", 404],
      already_exists: ["EntityAlreadyExists", 409],
      malformed: ["MalformedPolicyDocument", 400],
      delete_conflict: ["DeleteConflict", 409],
      limit_exceeded: ["LimitExceeded", 409],
      assume_unknown: ["AccessDenied", 403],
      session_name: ["ValidationError", 400],
      duration: ["ValidationError", 400],
    },
  });
});
