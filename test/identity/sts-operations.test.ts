import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  STSClient, GetCallerIdentityCommand, AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, AssumeRoleWithSAMLCommand,
  GetSessionTokenCommand, GetFederationTokenCommand, GetAccessKeyInfoCommand, DecodeAuthorizationMessageCommand,
} from "@aws-sdk/client-sts";
import {
  IAMClient, CreateRoleCommand, CreateUserCommand, CreateAccessKeyCommand, CreateOpenIDConnectProviderCommand, CreateSAMLProviderCommand,
} from "@aws-sdk/client-iam";
import type { Cloudbox } from "../../services/cloudbox.js";
import { encodeAuthorizationMessage } from "../../services/identity/authorization-message.js";
import { failure, startTestCloudbox } from "../support/fixture.js";
import { keysOf, rootOf, samlAssertion, samlMetadata, signedAs, trustedBy, trustPolicy, webToken } from "./identity-fixture.js";
import type { Keys } from "./identity-fixture.js";

let cloudbox: Cloudbox;
before(async () => {
  cloudbox = await startTestCloudbox({ clock: "virtual" });
});
after(() => cloudbox.stop());

const sts = (keys: Keys) => new STSClient(signedAs(cloudbox, keys));
const iam = (keys: Keys) => new IAMClient(signedAs(cloudbox, keys));
const seconds = (date: Date | undefined) => Math.round((date!.getTime() - cloudbox.clock.now()) / 1000);

async function newUser(account: string, name: string): Promise<{ arn: string; keys: Keys }> {
  const { User } = await iam(rootOf(account)).send(new CreateUserCommand({ UserName: name }));
  const { AccessKey } = await iam(rootOf(account)).send(new CreateAccessKeyCommand({ UserName: name }));
  return { arn: User!.Arn!, keys: keysOf(AccessKey) };
}

test("AssumeRole: a session lasts an hour by default and up to the role's MaxSessionDuration", async () => {
  const { Role } = await iam(rootOf("100000000001")).send(new CreateRoleCommand({ RoleName: "long", AssumeRolePolicyDocument: trustedBy("100000000001"), MaxSessionDuration: 7200 }));
  const caller = sts(rootOf("100000000001"));
  const standard = await caller.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "default" }));
  assert.equal(seconds(standard.Credentials!.Expiration), 3600);
  assert.equal(standard.AssumedRoleUser!.AssumedRoleId, `${Role!.RoleId}:default`);
  const longest = await caller.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "longest", DurationSeconds: 7200 }));
  assert.equal(seconds(longest.Credentials!.Expiration), 7200);

  const beyond = await failure(caller.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "beyond", DurationSeconds: 7201 })));
  assert.deepEqual([beyond.name, beyond.$metadata.httpStatusCode, beyond.message], ["ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."]);
  const belowMinimum = await failure(caller.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "short", DurationSeconds: 899 })));
  assert.equal(belowMinimum.message, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
  const aboveModel = await failure(caller.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "long", DurationSeconds: 43201 })));
  assert.equal(aboveModel.message, "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200");

  // A session assuming a role again (role chaining) is held to one hour whatever the role allows.
  const chained = await failure(sts(keysOf(standard.Credentials)).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "chain", DurationSeconds: 3601 })));
  assert.deepEqual([chained.name, chained.message], ["ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."]);
});

test("AssumeRole: RoleSessionName is 2 to 64 characters of [\\w+=,.@-]", async () => {
  const { Role } = await iam(rootOf("100000000002")).send(new CreateRoleCommand({ RoleName: "named", AssumeRolePolicyDocument: trustedBy("100000000002") }));
  const caller = sts(rootOf("100000000002"));
  const longest = "s".repeat(60) + "+=@-";
  const ok = await caller.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: longest }));
  assert.equal(ok.AssumedRoleUser!.Arn, `arn:aws:sts::100000000002:assumed-role/named/${longest}`);
  const cases: [string, string][] = [
    ["x", "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"],
    [longest + "s", `1 validation error detected: Value '${longest}s' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`],
    ["has space", "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"],
    ["slash/name", "1 validation error detected: Value 'slash/name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"],
  ];
  for (const [name, message] of cases) {
    const refused = await failure(caller.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: name })));
    assert.deepEqual([refused.name, refused.$metadata.httpStatusCode, refused.message], ["ValidationError", 400, message], name);
  }
});

test("AssumeRole: the ExternalId must be the one the trust policy's condition names", async () => {
  const trust = trustedBy("100000000004", { StringEquals: { "sts:ExternalId": "partner-7731" } });
  const { Role } = await iam(rootOf("100000000003")).send(new CreateRoleCommand({ RoleName: "for-partner", AssumeRolePolicyDocument: trust }));
  const partner = sts(rootOf("100000000004"));
  for (const ExternalId of [undefined, "partner-0000"]) {
    const denied = await failure(partner.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "sync", ExternalId })));
    assert.deepEqual([denied.name, denied.$metadata.httpStatusCode], ["AccessDenied", 403]);
    assert.equal(denied.message, `User: arn:aws:iam::100000000004:root is not authorized to perform: sts:AssumeRole on resource: ${Role!.Arn}`);
  }
  const assumed = await partner.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "sync", ExternalId: "partner-7731" }));
  const who = await sts(keysOf(assumed.Credentials)).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([who.Account, who.Arn], ["100000000003", "arn:aws:sts::100000000003:assumed-role/for-partner/sync"]);
  const tooShort = await failure(partner.send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "sync", ExternalId: "p" })));
  assert.equal(tooShort.message, "1 validation error detected: Value 'p' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2");
});

test("AssumeRole: session tags need sts:TagSession in the trust policy and show in the packed size", async () => {
  const account = "100000000005";
  const tagging = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: account }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });
  const admin = iam(rootOf(account));
  const { Role: taggable } = await admin.send(new CreateRoleCommand({ RoleName: "taggable", AssumeRolePolicyDocument: tagging }));
  const { Role: plain } = await admin.send(new CreateRoleCommand({ RoleName: "plain", AssumeRolePolicyDocument: trustedBy(account) }));
  const caller = sts(rootOf(account));
  const Tags = [{ Key: "team", Value: "payments" }, { Key: "cost-center", Value: "42" }];
  const tagged = await caller.send(new AssumeRoleCommand({ RoleArn: taggable!.Arn, RoleSessionName: "tagged", Tags, TransitiveTagKeys: ["team"] }));
  assert.ok(tagged.PackedPolicySize! > 0 && tagged.PackedPolicySize! <= 100, `PackedPolicySize ${tagged.PackedPolicySize}`);
  const untagged = await caller.send(new AssumeRoleCommand({ RoleArn: taggable!.Arn, RoleSessionName: "untagged" }));
  assert.equal(untagged.PackedPolicySize, undefined);

  const noTagSession = await failure(caller.send(new AssumeRoleCommand({ RoleArn: plain!.Arn, RoleSessionName: "tagged", Tags })));
  assert.deepEqual([noTagSession.name, noTagSession.$metadata.httpStatusCode], ["AccessDenied", 403]);
  assert.equal(noTagSession.message, `User: arn:aws:iam::${account}:root is not authorized to perform: sts:TagSession on resource: ${plain!.Arn}`);
  const duplicate = await failure(caller.send(new AssumeRoleCommand({ RoleArn: taggable!.Arn, RoleSessionName: "dup", Tags: [{ Key: "Team", Value: "a" }, { Key: "team", Value: "b" }] })));
  assert.deepEqual([duplicate.name, duplicate.$metadata.httpStatusCode], ["ValidationError", 400]);
  const strayTransitive = await failure(caller.send(new AssumeRoleCommand({ RoleArn: taggable!.Arn, RoleSessionName: "stray", Tags, TransitiveTagKeys: ["owner"] })));
  assert.deepEqual([strayTransitive.name, strayTransitive.$metadata.httpStatusCode], ["ValidationError", 400]);
  const badPolicy = await failure(caller.send(new AssumeRoleCommand({ RoleArn: taggable!.Arn, RoleSessionName: "policy", Policy: "{\"Statement\":" })));
  assert.deepEqual([badPolicy.name, badPolicy.$metadata.httpStatusCode], ["MalformedPolicyDocumentException", 400]);
  const contexts = await failure(caller.send(new AssumeRoleCommand({ RoleArn: taggable!.Arn, RoleSessionName: "ctx", ProvidedContexts: [{ ProviderArn: "arn:aws:iam::aws:contextProvider/IdentityCenter", ContextAssertion: "x".repeat(8) }] })));
  assert.deepEqual([contexts.name, contexts.$metadata.httpStatusCode], ["NotImplemented", 501]);
  assert.match(contexts.message, /ProvidedContexts/);
});

test("AssumeRole: unknown roles and malformed role ARNs", async () => {
  const caller = sts(rootOf("100000000006"));
  const unknown = await failure(caller.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::100000000006:role/ghost", RoleSessionName: "probe" })));
  assert.deepEqual([unknown.name, unknown.$metadata.httpStatusCode, unknown.message],
    ["AccessDenied", 403, "User: arn:aws:iam::100000000006:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::100000000006:role/ghost"]);
  const notAnArn = await failure(caller.send(new AssumeRoleCommand({ RoleArn: "role/ghost-of-a-chance", RoleSessionName: "probe" })));
  assert.deepEqual([notAnArn.name, notAnArn.$metadata.httpStatusCode], ["ValidationError", 400]);
});

test("AssumeRoleWithWebIdentity: a token from a registered OIDC provider, for the audience it registered", async () => {
  const account = "100000000007";
  const { OpenIDConnectProviderArn } = await iam(rootOf(account)).send(new CreateOpenIDConnectProviderCommand({
    Url: "https://issuer.example.com", ClientIDList: ["web-app"], ThumbprintList: ["a".repeat(40)],
  }));
  assert.equal(OpenIDConnectProviderArn, `arn:aws:iam::${account}:oidc-provider/issuer.example.com`);
  const trust = trustPolicy({ Federated: OpenIDConnectProviderArn }, "sts:AssumeRoleWithWebIdentity", { StringEquals: { "issuer.example.com:aud": "web-app", "issuer.example.com:sub": "user-1" } });
  const { Role } = await iam(rootOf(account)).send(new CreateRoleCommand({ RoleName: "web", AssumeRolePolicyDocument: trust }));
  const exp = Math.floor(cloudbox.clock.now() / 1000) + 600;
  const token = (claims: Record<string, unknown>) => webToken({ iss: "https://issuer.example.com", aud: "web-app", sub: "user-1", exp, ...claims });
  // No account signs this call: the token names the caller.
  const anyone = sts(rootOf("100000000099"));

  const assumed = await anyone.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: Role!.Arn, RoleSessionName: "browser", WebIdentityToken: token({}), DurationSeconds: 900 }));
  assert.equal(assumed.SubjectFromWebIdentityToken, "user-1");
  assert.equal(assumed.Audience, "web-app");
  assert.equal(assumed.Provider, "issuer.example.com");
  assert.equal(assumed.AssumedRoleUser!.Arn, `arn:aws:sts::${account}:assumed-role/web/browser`);
  assert.equal(seconds(assumed.Credentials!.Expiration), 900);
  const who = await sts(keysOf(assumed.Credentials)).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([who.Account, who.Arn], [account, assumed.AssumedRoleUser!.Arn]);

  const refusals: [string, Record<string, unknown> | string, string, number][] = [
    ["another audience", { aud: "mobile-app" }, "InvalidIdentityTokenException", 400],
    ["another subject", { sub: "user-2" }, "AccessDenied", 403],
    ["an unregistered issuer", { iss: "https://elsewhere.example.com" }, "InvalidIdentityTokenException", 400],
    ["an expired token", { exp: exp - 601 }, "ExpiredTokenException", 400],
    ["no JWT at all", "not-a-jwt", "InvalidIdentityTokenException", 400],
  ];
  for (const [what, claims, code, status] of refusals) {
    const WebIdentityToken = typeof claims === "string" ? claims : token(claims);
    const refused = await failure(anyone.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: Role!.Arn, RoleSessionName: "browser", WebIdentityToken })));
    assert.deepEqual([refused.name, refused.$metadata.httpStatusCode], [code, status], what);
  }
});

test("AssumeRoleWithSAML: an assertion of a registered SAML provider", async () => {
  const account = "100000000008";
  const { SAMLProviderArn } = await iam(rootOf(account)).send(new CreateSAMLProviderCommand({ Name: "corp-idp", SAMLMetadataDocument: samlMetadata("https://idp.example.com") }));
  assert.equal(SAMLProviderArn, `arn:aws:iam::${account}:saml-provider/corp-idp`);
  const trust = trustPolicy({ Federated: SAMLProviderArn }, "sts:AssumeRoleWithSAML", { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } });
  const { Role } = await iam(rootOf(account)).send(new CreateRoleCommand({ RoleName: "sso", AssumeRolePolicyDocument: trust }));
  const later = new Date(cloudbox.clock.now() + 300_000).toISOString();
  const anyone = sts(rootOf("100000000099"));
  const assumed = await anyone.send(new AssumeRoleWithSAMLCommand({
    RoleArn: Role!.Arn, PrincipalArn: SAMLProviderArn, SAMLAssertion: samlAssertion("https://idp.example.com", "jdoe@example.com", "jdoe", later),
  }));
  assert.deepEqual([assumed.Subject, assumed.SubjectType, assumed.Issuer, assumed.Audience],
    ["jdoe@example.com", "persistent", "https://idp.example.com", "https://signin.aws.amazon.com/saml"]);
  assert.equal(assumed.AssumedRoleUser!.Arn, `arn:aws:sts::${account}:assumed-role/sso/jdoe`);
  assert.match(assumed.NameQualifier!, /^[A-Za-z0-9+/]{27}=$/);
  const who = await sts(keysOf(assumed.Credentials)).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, assumed.AssumedRoleUser!.Arn);

  const earlier = new Date(cloudbox.clock.now() - 1000).toISOString();
  const expired = await failure(anyone.send(new AssumeRoleWithSAMLCommand({ RoleArn: Role!.Arn, PrincipalArn: SAMLProviderArn, SAMLAssertion: samlAssertion("https://idp.example.com", "jdoe", "jdoe", earlier) })));
  assert.deepEqual([expired.name, expired.$metadata.httpStatusCode], ["ExpiredTokenException", 400]);
  const unknownProvider = await failure(anyone.send(new AssumeRoleWithSAMLCommand({
    RoleArn: Role!.Arn, PrincipalArn: `arn:aws:iam::${account}:saml-provider/other`, SAMLAssertion: samlAssertion("https://idp.example.com", "jdoe", "jdoe", later),
  })));
  assert.deepEqual([unknownProvider.name, unknownProvider.$metadata.httpStatusCode], ["InvalidIdentityTokenException", 400]);
  const notSaml = await failure(anyone.send(new AssumeRoleWithSAMLCommand({ RoleArn: Role!.Arn, PrincipalArn: SAMLProviderArn, SAMLAssertion: Buffer.from("<html/>").toString("base64") })));
  assert.deepEqual([notSaml.name, notSaml.$metadata.httpStatusCode], ["InvalidIdentityTokenException", 400]);
});

test("GetSessionToken: a user's temporary credentials are that user; sessions cannot mint more", async () => {
  const alice = await newUser("100000000009", "alice");
  const issued = await sts(alice.keys).send(new GetSessionTokenCommand({}));
  assert.equal(seconds(issued.Credentials!.Expiration), 43200);
  assert.match(issued.Credentials!.AccessKeyId!, /^ASIA/);
  const who = await sts(keysOf(issued.Credentials)).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([who.Account, who.Arn], ["100000000009", alice.arn]);

  const again = await failure(sts(keysOf(issued.Credentials)).send(new GetSessionTokenCommand({})));
  assert.deepEqual([again.name, again.$metadata.httpStatusCode, again.message], ["AccessDenied", 403, "Cannot call GetSessionToken with session credentials"]);
  const root = await sts(rootOf("100000000009")).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  assert.equal(seconds(root.Credentials!.Expiration), 900);
  const tooLong = await failure(sts(alice.keys).send(new GetSessionTokenCommand({ DurationSeconds: 129601 })));
  assert.equal(tooLong.message, "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600");
});

test("GetFederationToken: a federated user named by the caller", async () => {
  const bob = await newUser("100000000010", "bob");
  const issued = await sts(bob.keys).send(new GetFederationTokenCommand({ Name: "contractor", DurationSeconds: 1800, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) }));
  assert.deepEqual(issued.FederatedUser, { FederatedUserId: "100000000010:contractor", Arn: "arn:aws:sts::100000000010:federated-user/contractor" });
  assert.equal(seconds(issued.Credentials!.Expiration), 1800);
  assert.ok(issued.PackedPolicySize! > 0);
  const who = await sts(keysOf(issued.Credentials)).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([who.Account, who.Arn, who.UserId], ["100000000010", "arn:aws:sts::100000000010:federated-user/contractor", "100000000010:contractor"]);
  const fromSession = await failure(sts(keysOf(issued.Credentials)).send(new GetFederationTokenCommand({ Name: "again" })));
  assert.deepEqual([fromSession.name, fromSession.$metadata.httpStatusCode], ["AccessDenied", 403]);
  const longName = await failure(sts(bob.keys).send(new GetFederationTokenCommand({ Name: "n".repeat(33) })));
  assert.deepEqual([longName.name, longName.message], ["ValidationError", `1 validation error detected: Value '${"n".repeat(33)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 32`]);
});

test("GetAccessKeyInfo names the account of IAM keys, STS keys and other keys", async () => {
  const carol = await newUser("100000000011", "carol");
  const asker = sts(rootOf("100000000012"));
  assert.equal((await asker.send(new GetAccessKeyInfoCommand({ AccessKeyId: carol.keys.accessKeyId }))).Account, "100000000011");
  const session = await sts(carol.keys).send(new GetSessionTokenCommand({}));
  assert.equal((await asker.send(new GetAccessKeyInfoCommand({ AccessKeyId: session.Credentials!.AccessKeyId }))).Account, "100000000011");
  // Any other key is the root of the default account (a 12-digit id is shorter than the 16 the model asks).
  assert.equal((await asker.send(new GetAccessKeyInfoCommand({ AccessKeyId: "AKIAIOSFODNN7EXAMPLE" }))).Account, "000000000000");
  const short = await failure(asker.send(new GetAccessKeyInfoCommand({ AccessKeyId: "AKIASHORT" })));
  assert.deepEqual([short.name, short.$metadata.httpStatusCode], ["ValidationError", 400]);
});

test("DecodeAuthorizationMessage explains an encoded denial and refuses anything else", async () => {
  const caller = sts(rootOf("100000000014"));
  const denial = { allowed: false, explicitDeny: false, context: { principal: { arn: "arn:aws:iam::100000000014:user/dave" }, action: "ec2:RunInstances", resource: "*" } };
  const { DecodedMessage } = await caller.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encodeAuthorizationMessage(denial) }));
  assert.deepEqual(JSON.parse(DecodedMessage!), denial);
  const refused = await failure(caller.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: "bm90IGEgbWVzc2FnZQ" })));
  assert.deepEqual([refused.name, refused.$metadata.httpStatusCode, refused.message], ["InvalidAuthorizationMessageException", 400, "Message is not valid"]);
});
