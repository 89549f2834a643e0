import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromIni, fromTemporaryCredentials, fromWebToken } from "@aws-sdk/credential-providers";
import { IAMClient, CreateRoleCommand, CreateUserCommand, CreateAccessKeyCommand, CreateOpenIDConnectProviderCommand } from "@aws-sdk/client-iam";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import type { Cloudbox } from "../../services/cloudbox.js";
import { sdkConfig, startTestCloudbox } from "../support/fixture.js";
import { keysOf, rootOf, signedAs, trustedBy, trustPolicy, webToken } from "./identity-fixture.js";

// The SDK's own credential providers, pointed at cloudbox's STS: each obtains credentials there,
// and S3 then answers as the principal those credentials stand for.

let cloudbox: Cloudbox;
let home: string;
before(async () => {
  cloudbox = await startTestCloudbox();
  home = mkdtempSync(join(tmpdir(), "cloudbox-credentials-"));
});
after(async () => {
  await cloudbox.stop();
  rmSync(home, { recursive: true, force: true });
});

/** The STS client options a provider uses for its own calls. */
const stsConfig = () => {
  const { credentials: _own, forcePathStyle: _s3Only, ...config } = sdkConfig(cloudbox);
  return config;
};
const withProvider = (credentials: unknown) => ({ ...sdkConfig(cloudbox), credentials }) as ReturnType<typeof sdkConfig>;

async function roleFor(account: string, name: string, trust: string): Promise<string> {
  const { Role } = await new IAMClient(signedAs(cloudbox, rootOf(account))).send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
  return Role!.Arn!;
}

/** Puts and reads back an object and answers who the credentials were, as S3 and STS see them. */
async function useS3(credentials: unknown, bucket: string): Promise<{ arn: string; body: string }> {
  const s3 = new S3Client(withProvider(credentials));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "hello.txt", Body: "hello from a provider" }));
  const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "hello.txt" }))).Body!.transformToString();
  const { Arn } = await new STSClient(withProvider(credentials)).send(new GetCallerIdentityCommand({}));
  return { arn: Arn!, body };
}

test("fromTemporaryCredentials assumes a role with the caller's keys and S3 works with the session", async () => {
  const roleArn = await roleFor("500000000001", "deployer", trustedBy("500000000002"));
  const credentials = fromTemporaryCredentials({
    masterCredentials: rootOf("500000000002"),
    params: { RoleArn: roleArn, RoleSessionName: "pipeline", DurationSeconds: 900 },
    clientConfig: stsConfig(),
  });
  const resolved = await credentials();
  assert.match(resolved.accessKeyId, /^ASIA/);
  assert.ok(resolved.sessionToken);
  assert.ok(resolved.expiration!.getTime() - Date.now() <= 900_000 + 5000);
  const used = await useS3(credentials, "deployer-bucket");
  assert.deepEqual(used, { arn: "arn:aws:sts::500000000001:assumed-role/deployer/pipeline", body: "hello from a provider" });
  // The bucket is the role's account's, not the caller's.
  const owned = await new S3Client(signedAs(cloudbox, rootOf("500000000001"))).send(new ListBucketsCommand({}));
  assert.ok(owned.Buckets!.some((b) => b.Name === "deployer-bucket"));
});

test("fromWebToken trades an OIDC token for a role session", async () => {
  const account = "500000000003";
  const { OpenIDConnectProviderArn } = await new IAMClient(signedAs(cloudbox, rootOf(account))).send(new CreateOpenIDConnectProviderCommand({
    Url: "https://oidc.ci.example.com", ClientIDList: ["sts.amazonaws.com"], ThumbprintList: ["f".repeat(40)],
  }));
  const roleArn = await roleFor(account, "ci", trustPolicy({ Federated: OpenIDConnectProviderArn }, "sts:AssumeRoleWithWebIdentity", { StringLike: { "oidc.ci.example.com:sub": "repo:acme/*" } }));
  const token = webToken({ iss: "https://oidc.ci.example.com", aud: "sts.amazonaws.com", sub: "repo:acme/web", exp: Math.floor(Date.now() / 1000) + 600 });
  const credentials = fromWebToken({ roleArn, webIdentityToken: token, roleSessionName: "ci-run", clientConfig: stsConfig() });
  const used = await useS3(credentials, "ci-bucket");
  assert.deepEqual(used, { arn: `arn:aws:sts::${account}:assumed-role/ci/ci-run`, body: "hello from a provider" });
});

test("fromIni follows a role_arn profile through its source_profile", async () => {
  const account = "500000000004";
  const iam = new IAMClient(signedAs(cloudbox, rootOf(account)));
  const { User } = await iam.send(new CreateUserCommand({ UserName: "builder" }));
  const keys = keysOf((await iam.send(new CreateAccessKeyCommand({ UserName: "builder" }))).AccessKey);
  const roleArn = await roleFor(account, "release", trustedBy(User!.Arn!));
  const credentialsFile = join(home, "credentials");
  const configFile = join(home, "config");
  writeFileSync(credentialsFile, `[builder]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`);
  writeFileSync(configFile, `[profile release]\nrole_arn = ${roleArn}\nsource_profile = builder\nrole_session_name = from-ini\nregion = us-east-1\n`);
  const credentials = fromIni({ profile: "release", filepath: credentialsFile, configFilepath: configFile, clientConfig: stsConfig() });
  const used = await useS3(credentials, "release-bucket");
  assert.deepEqual(used, { arn: `arn:aws:sts::${account}:assumed-role/release/from-ini`, body: "hello from a provider" });
});
