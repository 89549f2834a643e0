import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  IAMClient, ListAccountAliasesCommand, CreateAccountAliasCommand, DeleteAccountAliasCommand, GetAccountSummaryCommand, CreateUserCommand,
  CreateRoleCommand, CreateGroupCommand, CreatePolicyCommand, CreateInstanceProfileCommand, CreateOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand, ListOpenIDConnectProvidersCommand, DeleteOpenIDConnectProviderCommand, AddClientIDToOpenIDConnectProviderCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand, UpdateOpenIDConnectProviderThumbprintCommand, TagOpenIDConnectProviderCommand,
  ListOpenIDConnectProviderTagsCommand, CreateSAMLProviderCommand, GetSAMLProviderCommand, ListSAMLProvidersCommand, UpdateSAMLProviderCommand,
  DeleteSAMLProviderCommand,
} from "@aws-sdk/client-iam";
import type { Cloudbox } from "../../services/cloudbox.js";
import { failure, startTestCloudbox } from "../support/fixture.js";
import { allowing, rootOf, samlMetadata, signedAs, trustedBy } from "./identity-fixture.js";

let cloudbox: Cloudbox;
before(async () => {
  cloudbox = await startTestCloudbox();
});
after(() => cloudbox.stop());

const iam = (account: string) => new IAMClient(signedAs(cloudbox, rootOf(account)));

test("account aliases: one per account, unique across accounts", async () => {
  const first = iam("400000000001");
  assert.deepEqual((await first.send(new ListAccountAliasesCommand({}))).AccountAliases, []);
  await first.send(new CreateAccountAliasCommand({ AccountAlias: "acme-prod" }));
  const listed = await first.send(new ListAccountAliasesCommand({}));
  assert.deepEqual([listed.AccountAliases, listed.IsTruncated], [["acme-prod"], false]);
  // Creating another replaces it: an account has one alias.
  await first.send(new CreateAccountAliasCommand({ AccountAlias: "acme-main" }));
  assert.deepEqual((await first.send(new ListAccountAliasesCommand({}))).AccountAliases, ["acme-main"]);

  const taken = await failure(iam("400000000002").send(new CreateAccountAliasCommand({ AccountAlias: "acme-main" })));
  assert.deepEqual([taken.name, taken.$metadata.httpStatusCode, taken.message], ["EntityAlreadyExistsException", 409, "The account alias acme-main already exists."]);
  const badAlias = await failure(first.send(new CreateAccountAliasCommand({ AccountAlias: "Upper-Case" })));
  assert.deepEqual([badAlias.name, badAlias.$metadata.httpStatusCode], ["ValidationError", 400]);
  const notMine = await failure(first.send(new DeleteAccountAliasCommand({ AccountAlias: "acme-prod" })));
  assert.deepEqual([notMine.name, notMine.$metadata.httpStatusCode], ["NoSuchEntityException", 404]);
  await first.send(new DeleteAccountAliasCommand({ AccountAlias: "acme-main" }));
  assert.deepEqual((await first.send(new ListAccountAliasesCommand({}))).AccountAliases, []);
  // Freed, the alias can be taken by another account.
  await iam("400000000002").send(new CreateAccountAliasCommand({ AccountAlias: "acme-main" }));
});

test("GetAccountSummary counts what the account holds, next to IAM's quotas", async () => {
  const admin = iam("400000000003");
  const before = (await admin.send(new GetAccountSummaryCommand({}))).SummaryMap!;
  assert.deepEqual([before["Users"], before["Roles"], before["Groups"], before["Policies"]], [0, 0, 0, 0]);
  assert.deepEqual([before["UsersQuota"], before["AccessKeysPerUserQuota"], before["VersionsPerPolicyQuota"]], [5000, 2, 5]);
  await admin.send(new CreateUserCommand({ UserName: "u1" }));
  await admin.send(new CreateUserCommand({ UserName: "u2" }));
  await admin.send(new CreateRoleCommand({ RoleName: "r1", AssumeRolePolicyDocument: trustedBy("400000000003") }));
  await admin.send(new CreateGroupCommand({ GroupName: "g1" }));
  await admin.send(new CreatePolicyCommand({ PolicyName: "p1", PolicyDocument: allowing("s3:GetObject") }));
  await admin.send(new CreateInstanceProfileCommand({ InstanceProfileName: "ip1" }));
  const after = (await admin.send(new GetAccountSummaryCommand({}))).SummaryMap!;
  assert.deepEqual([after["Users"], after["Roles"], after["Groups"], after["Policies"], after["InstanceProfiles"], after["PolicyVersionsInUse"]], [2, 1, 1, 1, 1, 1]);
  assert.equal((await iam("400000000004").send(new GetAccountSummaryCommand({}))).SummaryMap!["Users"], 0);
});

test("OIDC providers: registered by URL, with client ids, thumbprints and tags", async () => {
  const account = "400000000005";
  const admin = iam(account);
  const { OpenIDConnectProviderArn: arn, Tags } = await admin.send(new CreateOpenIDConnectProviderCommand({
    Url: "https://token.actions.example.com", ClientIDList: ["sts.amazonaws.com"], ThumbprintList: ["1".repeat(40)], Tags: [{ Key: "ci", Value: "yes" }],
  }));
  assert.equal(arn, `arn:aws:iam::${account}:oidc-provider/token.actions.example.com`);
  assert.deepEqual(Tags, [{ Key: "ci", Value: "yes" }]);
  await admin.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "my-app" }));
  await admin.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "sts.amazonaws.com" }));
  await admin.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: ["2".repeat(40)] }));
  const got = await admin.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
  assert.deepEqual([got.Url, got.ClientIDList, got.ThumbprintList], ["token.actions.example.com", ["my-app"], ["2".repeat(40)]]);
  await admin.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: "owner", Value: "platform" }] }));
  assert.deepEqual((await admin.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }))).Tags, [{ Key: "ci", Value: "yes" }, { Key: "owner", Value: "platform" }]);
  assert.deepEqual((await admin.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList, [{ Arn: arn }]);

  const twice = await failure(admin.send(new CreateOpenIDConnectProviderCommand({ Url: "https://token.actions.example.com", ThumbprintList: ["1".repeat(40)] })));
  assert.deepEqual([twice.name, twice.$metadata.httpStatusCode], ["EntityAlreadyExistsException", 409]);
  const shortThumbprint = await failure(admin.send(new CreateOpenIDConnectProviderCommand({ Url: "https://other.example.com", ThumbprintList: ["abc"] })));
  assert.deepEqual([shortThumbprint.name, shortThumbprint.$metadata.httpStatusCode], ["ValidationError", 400]);
  const foreign = await failure(iam("400000000006").send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
  assert.deepEqual([foreign.name, foreign.$metadata.httpStatusCode], ["NoSuchEntityException", 404]);
  await admin.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
  assert.deepEqual((await admin.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList, []);
  const gone = await failure(admin.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
  assert.deepEqual([gone.name, gone.message], ["NoSuchEntityException", `OpenIDConnect Provider not found for arn ${arn}`]);
});

test("SAML providers: metadata stored and replaced; encryption parameters are refused, not ignored", async () => {
  const account = "400000000007";
  const admin = iam(account);
  const metadata = samlMetadata("https://idp.example.com");
  const { SAMLProviderArn: arn } = await admin.send(new CreateSAMLProviderCommand({ Name: "okta", SAMLMetadataDocument: metadata }));
  assert.equal(arn, `arn:aws:iam::${account}:saml-provider/okta`);
  assert.equal((await admin.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }))).SAMLMetadataDocument, metadata);
  const renewed = samlMetadata("https://idp2.example.com").replace("entityID=", 'validUntil="2030-01-01T00:00:00Z" entityID=');
  await admin.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: renewed }));
  const got = await admin.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }));
  assert.equal(got.SAMLMetadataDocument, renewed);
  assert.equal(got.ValidUntil!.toISOString(), "2030-01-01T00:00:00.000Z");
  assert.deepEqual((await admin.send(new ListSAMLProvidersCommand({}))).SAMLProviderList!.map((p) => p.Arn), [arn]);

  const twice = await failure(admin.send(new CreateSAMLProviderCommand({ Name: "okta", SAMLMetadataDocument: metadata })));
  assert.deepEqual([twice.name, twice.$metadata.httpStatusCode], ["EntityAlreadyExistsException", 409]);
  const notMetadata = await failure(admin.send(new CreateSAMLProviderCommand({ Name: "junk", SAMLMetadataDocument: "<html>".padEnd(1200, " ") + "</html>" })));
  assert.deepEqual([notMetadata.name, notMetadata.$metadata.httpStatusCode, notMetadata.message], ["InvalidInputException", 400, "Could not parse metadata"]);
  const encrypted = await failure(admin.send(new CreateSAMLProviderCommand({ Name: "sealed", SAMLMetadataDocument: metadata, AssertionEncryptionMode: "Required" })));
  assert.deepEqual([encrypted.name, encrypted.$metadata.httpStatusCode], ["NotImplemented", 501]);
  assert.match(encrypted.message, /AssertionEncryptionMode/);
  await admin.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arn }));
  const gone = await failure(admin.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn })));
  assert.deepEqual([gone.name, gone.$metadata.httpStatusCode], ["NoSuchEntityException", 404]);
});
