import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  IAMClient, CreateRoleCommand, GetRoleCommand, ListRolesCommand, UpdateRoleCommand, UpdateAssumeRolePolicyCommand, DeleteRoleCommand,
  TagRoleCommand, UntagRoleCommand, ListRoleTagsCommand, CreatePolicyCommand, GetPolicyCommand, ListPoliciesCommand, DeletePolicyCommand,
  CreatePolicyVersionCommand, GetPolicyVersionCommand, ListPolicyVersionsCommand, DeletePolicyVersionCommand, SetDefaultPolicyVersionCommand,
  TagPolicyCommand, ListPolicyTagsCommand, ListEntitiesForPolicyCommand, AttachRolePolicyCommand, DetachRolePolicyCommand,
  ListAttachedRolePoliciesCommand, PutRolePolicyCommand, GetRolePolicyCommand, ListRolePoliciesCommand, DeleteRolePolicyCommand,
  CreateGroupCommand, PutGroupPolicyCommand, GetGroupPolicyCommand, AttachGroupPolicyCommand, ListAttachedGroupPoliciesCommand,
  CreateInstanceProfileCommand, GetInstanceProfileCommand, ListInstanceProfilesCommand, ListInstanceProfilesForRoleCommand,
  AddRoleToInstanceProfileCommand, RemoveRoleFromInstanceProfileCommand, DeleteInstanceProfileCommand, TagInstanceProfileCommand,
  ListInstanceProfileTagsCommand, CreateServiceLinkedRoleCommand, DeleteServiceLinkedRoleCommand, GetServiceLinkedRoleDeletionStatusCommand,
} from "@aws-sdk/client-iam";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import type { Cloudbox } from "../../services/cloudbox.js";
import { failure, startTestCloudbox } from "../support/fixture.js";
import { allowing, rootOf, signedAs, trustedBy, trustPolicy } from "./identity-fixture.js";

let cloudbox: Cloudbox;
before(async () => {
  cloudbox = await startTestCloudbox();
});
after(() => cloudbox.stop());

const iam = (account: string) => new IAMClient(signedAs(cloudbox, rootOf(account)));
/** IAM answers policy documents URL-encoded, and the SDK hands them over as they came. */
const documentOf = (encoded: string | undefined) => JSON.parse(decodeURIComponent(encoded!)) as { Statement: { Action: unknown }[] };

test("roles: trust policies are validated when created and replaced", async () => {
  const admin = iam("300000000001");
  const refusals: [string, string, string][] = [
    ["not JSON", "{not json", "MalformedPolicyDocumentException"],
    ["a resource", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "300000000001" }, Action: "sts:AssumeRole", Resource: "*" }] }), "MalformedPolicyDocumentException"],
    ["no principal", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole" }] }), "MalformedPolicyDocumentException"],
    ["a user that does not exist", trustedBy("arn:aws:iam::300000000001:user/ghost"), "MalformedPolicyDocumentException"],
    ["an action outside STS", trustPolicy({ Service: "ec2.amazonaws.com" }, "s3:GetObject"), "MalformedPolicyDocumentException"],
  ];
  for (const [what, AssumeRolePolicyDocument, code] of refusals) {
    const refused = await failure(admin.send(new CreateRoleCommand({ RoleName: "checked", AssumeRolePolicyDocument })));
    assert.deepEqual([refused.name, refused.$metadata.httpStatusCode], [code, 400], what);
  }
  const ghost = await failure(admin.send(new CreateRoleCommand({ RoleName: "checked", AssumeRolePolicyDocument: trustedBy("arn:aws:iam::300000000001:user/ghost") })));
  assert.equal(ghost.message, 'Invalid principal in policy: "AWS":"arn:aws:iam::300000000001:user/ghost"');
  assert.deepEqual((await admin.send(new ListRolesCommand({}))).Roles, [], "no refused role was created");

  const trust = trustPolicy({ Service: "ec2.amazonaws.com" }, "sts:AssumeRole");
  const { Role } = await admin.send(new CreateRoleCommand({ RoleName: "app", Path: "/services/", AssumeRolePolicyDocument: trust, Description: "the app", MaxSessionDuration: 7200 }));
  assert.equal(Role!.Arn, "arn:aws:iam::300000000001:role/services/app");
  assert.match(Role!.RoleId!, /^AROA[A-Z2-7]{17}$/);
  const got = await admin.send(new GetRoleCommand({ RoleName: "app" }));
  assert.deepEqual(documentOf(got.Role!.AssumeRolePolicyDocument), JSON.parse(trust));
  assert.deepEqual([got.Role!.Description, got.Role!.MaxSessionDuration], ["the app", 7200]);

  const badUpdate = await failure(admin.send(new UpdateAssumeRolePolicyCommand({ RoleName: "app", PolicyDocument: "[]" })));
  assert.deepEqual([badUpdate.name, badUpdate.$metadata.httpStatusCode], ["MalformedPolicyDocumentException", 400]);
  // A new trust policy takes effect at once: the account may now assume the role.
  const denied = await failure(new STSClient(signedAs(cloudbox, rootOf("300000000001"))).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "me" })));
  assert.equal(denied.name, "AccessDenied");
  await admin.send(new UpdateAssumeRolePolicyCommand({ RoleName: "app", PolicyDocument: trustedBy("300000000001") }));
  const assumed = await new STSClient(signedAs(cloudbox, rootOf("300000000001"))).send(new AssumeRoleCommand({ RoleArn: Role!.Arn, RoleSessionName: "me" }));
  assert.equal(assumed.AssumedRoleUser!.Arn, "arn:aws:sts::300000000001:assumed-role/app/me");

  await admin.send(new UpdateRoleCommand({ RoleName: "app", MaxSessionDuration: 43200 }));
  assert.equal((await admin.send(new GetRoleCommand({ RoleName: "app" }))).Role!.MaxSessionDuration, 43200);
  const outOfRange = await failure(admin.send(new UpdateRoleCommand({ RoleName: "app", MaxSessionDuration: 3599 })));
  assert.deepEqual([outOfRange.name, outOfRange.message], ["ValidationError", "1 validation error detected: Value '3599' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"]);
  const twice = await failure(admin.send(new CreateRoleCommand({ RoleName: "APP", AssumeRolePolicyDocument: trust })));
  assert.deepEqual([twice.name, twice.$metadata.httpStatusCode, twice.message], ["EntityAlreadyExistsException", 409, "Role with name APP already exists."]);
  const missing = await failure(admin.send(new GetRoleCommand({ RoleName: "nothing" })));
  assert.deepEqual([missing.name, missing.$metadata.httpStatusCode, missing.message], ["NoSuchEntityException", 404, "The role with name nothing cannot be found."]);

  await admin.send(new TagRoleCommand({ RoleName: "app", Tags: [{ Key: "env", Value: "prod" }] }));
  assert.deepEqual((await admin.send(new ListRoleTagsCommand({ RoleName: "app" }))).Tags, [{ Key: "env", Value: "prod" }]);
  await admin.send(new UntagRoleCommand({ RoleName: "app", TagKeys: ["env"] }));
  assert.deepEqual((await admin.send(new ListRoleTagsCommand({ RoleName: "app" }))).Tags, []);
});

test("managed policies: versions, the default version, the five-version limit and deletion rules", async () => {
  const admin = iam("300000000002");
  const { Policy } = await admin.send(new CreatePolicyCommand({ PolicyName: "buckets", Path: "/data/", PolicyDocument: allowing("s3:GetObject"), Description: "read buckets", Tags: [{ Key: "owner", Value: "data" }] }));
  assert.equal(Policy!.Arn, "arn:aws:iam::300000000002:policy/data/buckets");
  assert.deepEqual([Policy!.DefaultVersionId, Policy!.AttachmentCount, Policy!.IsAttachable], ["v1", 0, true]);
  const twice = await failure(admin.send(new CreatePolicyCommand({ PolicyName: "buckets", PolicyDocument: allowing("s3:GetObject") })));
  assert.deepEqual([twice.name, twice.$metadata.httpStatusCode, twice.message], ["EntityAlreadyExistsException", 409, "A policy called buckets already exists. Duplicate names are not allowed."]);

  const v2 = await admin.send(new CreatePolicyVersionCommand({ PolicyArn: Policy!.Arn, PolicyDocument: allowing("s3:*"), SetAsDefault: true }));
  assert.deepEqual([v2.PolicyVersion!.VersionId, v2.PolicyVersion!.IsDefaultVersion], ["v2", true]);
  assert.equal((await admin.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }))).Policy!.DefaultVersionId, "v2");
  const v1 = await admin.send(new GetPolicyVersionCommand({ PolicyArn: Policy!.Arn, VersionId: "v1" }));
  assert.deepEqual([v1.PolicyVersion!.IsDefaultVersion, documentOf(v1.PolicyVersion!.Document).Statement[0]!.Action], [false, "s3:GetObject"]);
  for (let i = 3; i <= 5; i++) await admin.send(new CreatePolicyVersionCommand({ PolicyArn: Policy!.Arn, PolicyDocument: allowing(`s3:Get${i}`) }));
  const versions = await admin.send(new ListPolicyVersionsCommand({ PolicyArn: Policy!.Arn }));
  assert.deepEqual(versions.Versions!.map((v) => [v.VersionId, v.IsDefaultVersion]).sort(), [["v1", false], ["v2", true], ["v3", false], ["v4", false], ["v5", false]]);
  const sixth = await failure(admin.send(new CreatePolicyVersionCommand({ PolicyArn: Policy!.Arn, PolicyDocument: allowing("s3:Get6") })));
  assert.deepEqual([sixth.name, sixth.$metadata.httpStatusCode, sixth.message],
    ["LimitExceededException", 409, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."]);

  const deleteDefault = await failure(admin.send(new DeletePolicyVersionCommand({ PolicyArn: Policy!.Arn, VersionId: "v2" })));
  assert.deepEqual([deleteDefault.name, deleteDefault.$metadata.httpStatusCode], ["DeleteConflictException", 409]);
  await admin.send(new SetDefaultPolicyVersionCommand({ PolicyArn: Policy!.Arn, VersionId: "v5" }));
  assert.equal((await admin.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }))).Policy!.DefaultVersionId, "v5");
  const noVersion = await failure(admin.send(new SetDefaultPolicyVersionCommand({ PolicyArn: Policy!.Arn, VersionId: "v9" })));
  assert.deepEqual([noVersion.name, noVersion.$metadata.httpStatusCode], ["NoSuchEntityException", 404]);

  await admin.send(new TagPolicyCommand({ PolicyArn: Policy!.Arn, Tags: [{ Key: "tier", Value: "gold" }] }));
  assert.deepEqual((await admin.send(new ListPolicyTagsCommand({ PolicyArn: Policy!.Arn }))).Tags, [{ Key: "owner", Value: "data" }, { Key: "tier", Value: "gold" }]);

  const manyVersions = await failure(admin.send(new DeletePolicyCommand({ PolicyArn: Policy!.Arn })));
  assert.deepEqual([manyVersions.name, manyVersions.$metadata.httpStatusCode], ["DeleteConflictException", 409]);
  for (const VersionId of ["v1", "v2", "v3", "v4"]) await admin.send(new DeletePolicyVersionCommand({ PolicyArn: Policy!.Arn, VersionId }));
  await admin.send(new CreateRoleCommand({ RoleName: "reader", AssumeRolePolicyDocument: trustedBy("300000000002") }));
  await admin.send(new AttachRolePolicyCommand({ RoleName: "reader", PolicyArn: Policy!.Arn }));
  const attached = await failure(admin.send(new DeletePolicyCommand({ PolicyArn: Policy!.Arn })));
  assert.deepEqual([attached.name, attached.message], ["DeleteConflictException", "Cannot delete a policy attached to entities."]);
  await admin.send(new DetachRolePolicyCommand({ RoleName: "reader", PolicyArn: Policy!.Arn }));
  await admin.send(new DeletePolicyCommand({ PolicyArn: Policy!.Arn }));
  const gone = await failure(admin.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn })));
  assert.deepEqual([gone.name, gone.$metadata.httpStatusCode, gone.message], ["NoSuchEntityException", 404, `Policy ${Policy!.Arn} does not exist or is not attachable.`]);

  // Identity policies name resources and no principal.
  const noResource = await failure(admin.send(new CreatePolicyCommand({ PolicyName: "broken", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*" }] }) })));
  assert.deepEqual([noResource.name, noResource.$metadata.httpStatusCode], ["MalformedPolicyDocumentException", 400]);
  const withPrincipal = await failure(admin.send(new CreatePolicyCommand({ PolicyName: "broken", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }] }) })));
  assert.equal(withPrincipal.name, "MalformedPolicyDocumentException");
  // Another account cannot see the policies of this one.
  const { Policy: kept } = await admin.send(new CreatePolicyCommand({ PolicyName: "kept", PolicyDocument: allowing("sqs:*") }));
  assert.equal((await failure(iam("300000000003").send(new GetPolicyCommand({ PolicyArn: kept!.Arn })))).name, "NoSuchEntityException");
});

test("AWS managed policies: AdministratorAccess, ReadOnlyAccess and AmazonS3FullAccess are there to attach", async () => {
  const admin = iam("300000000004");
  const cases: [string, (actions: unknown) => boolean][] = [
    ["AdministratorAccess", (a) => a === "*"],
    ["ReadOnlyAccess", (a) => Array.isArray(a) && a.includes("s3:Get*") && a.includes("ec2:Describe*")],
    ["AmazonS3FullAccess", (a) => Array.isArray(a) && a.includes("s3:*")],
  ];
  for (const [name, check] of cases) {
    const arn = `arn:aws:iam::aws:policy/${name}`;
    const { Policy } = await admin.send(new GetPolicyCommand({ PolicyArn: arn }));
    assert.deepEqual([Policy!.PolicyName, Policy!.DefaultVersionId, Policy!.Path], [name, "v1", "/"]);
    const { PolicyVersion } = await admin.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" }));
    assert.ok(check(documentOf(PolicyVersion!.Document).Statement[0]!.Action), name);
  }
  const listed = await admin.send(new ListPoliciesCommand({ Scope: "AWS", MaxItems: 1000 }));
  for (const [name] of cases) assert.ok(listed.Policies!.some((p) => p.PolicyName === name), name);
  assert.deepEqual((await admin.send(new ListPoliciesCommand({ Scope: "Local" }))).Policies, []);
  const unknown = await failure(admin.send(new GetPolicyCommand({ PolicyArn: "arn:aws:iam::aws:policy/NoSuchPolicy" })));
  assert.deepEqual([unknown.name, unknown.$metadata.httpStatusCode], ["NoSuchEntityException", 404]);
});

test("attachments and inline policies of roles and groups; DeleteConflict and the PoliciesPerRole quota", async () => {
  const account = "300000000005";
  const admin = iam(account);
  await admin.send(new CreateRoleCommand({ RoleName: "worker", AssumeRolePolicyDocument: trustPolicy({ Service: "ec2.amazonaws.com" }, "sts:AssumeRole") }));
  await admin.send(new AttachRolePolicyCommand({ RoleName: "worker", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }));
  const { Policy } = await admin.send(new CreatePolicyCommand({ PolicyName: "queues", PolicyDocument: allowing("sqs:*") }));
  await admin.send(new AttachRolePolicyCommand({ RoleName: "worker", PolicyArn: Policy!.Arn }));
  const attached = await admin.send(new ListAttachedRolePoliciesCommand({ RoleName: "worker" }));
  assert.deepEqual(attached.AttachedPolicies!.map((p) => p.PolicyName).sort(), ["AmazonS3FullAccess", "queues"]);
  assert.equal((await admin.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }))).Policy!.AttachmentCount, 1);
  const entities = await admin.send(new ListEntitiesForPolicyCommand({ PolicyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }));
  assert.deepEqual(entities.PolicyRoles!.map((r) => r.RoleName), ["worker"]);
  const unknown = await failure(admin.send(new AttachRolePolicyCommand({ RoleName: "worker", PolicyArn: `arn:aws:iam::${account}:policy/none` })));
  assert.deepEqual([unknown.name, unknown.$metadata.httpStatusCode, unknown.message], ["NoSuchEntityException", 404, `Policy arn:aws:iam::${account}:policy/none does not exist or is not attachable.`]);

  await admin.send(new PutRolePolicyCommand({ RoleName: "worker", PolicyName: "logs", PolicyDocument: allowing("logs:PutLogEvents") }));
  const inline = await admin.send(new GetRolePolicyCommand({ RoleName: "worker", PolicyName: "logs" }));
  assert.deepEqual([inline.RoleName, inline.PolicyName, documentOf(inline.PolicyDocument).Statement[0]!.Action], ["worker", "logs", "logs:PutLogEvents"]);
  assert.deepEqual((await admin.send(new ListRolePoliciesCommand({ RoleName: "worker" }))).PolicyNames, ["logs"]);
  const malformed = await failure(admin.send(new PutRolePolicyCommand({ RoleName: "worker", PolicyName: "bad", PolicyDocument: "{}" })));
  assert.deepEqual([malformed.name, malformed.$metadata.httpStatusCode], ["MalformedPolicyDocumentException", 400]);
  const noInline = await failure(admin.send(new GetRolePolicyCommand({ RoleName: "worker", PolicyName: "none" })));
  assert.deepEqual([noInline.name, noInline.message], ["NoSuchEntityException", "The role policy with name none cannot be found."]);

  const conflicts: [string, () => Promise<unknown>][] = [
    ["Cannot delete entity, must delete policies first.", () => admin.send(new DeleteRolePolicyCommand({ RoleName: "worker", PolicyName: "logs" }))],
    ["Cannot delete entity, must detach all policies first.", async () => {
      await admin.send(new DetachRolePolicyCommand({ RoleName: "worker", PolicyArn: Policy!.Arn }));
      await admin.send(new DetachRolePolicyCommand({ RoleName: "worker", PolicyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }));
    }],
  ];
  for (const [message, clear] of conflicts) {
    const conflict = await failure(admin.send(new DeleteRoleCommand({ RoleName: "worker" })));
    assert.deepEqual([conflict.name, conflict.$metadata.httpStatusCode, conflict.message], ["DeleteConflictException", 409, message]);
    await clear();
  }
  await admin.send(new DeleteRoleCommand({ RoleName: "worker" }));

  await admin.send(new CreateRoleCommand({ RoleName: "crowded", AssumeRolePolicyDocument: trustedBy(account) }));
  for (let i = 0; i < 10; i++) {
    const { Policy: p } = await admin.send(new CreatePolicyCommand({ PolicyName: `p${i}`, PolicyDocument: allowing("s3:GetObject") }));
    await admin.send(new AttachRolePolicyCommand({ RoleName: "crowded", PolicyArn: p!.Arn }));
  }
  const quota = await failure(admin.send(new AttachRolePolicyCommand({ RoleName: "crowded", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" })));
  assert.deepEqual([quota.name, quota.$metadata.httpStatusCode, quota.message], ["LimitExceededException", 409, "Cannot exceed quota for PoliciesPerRole: 10"]);

  await admin.send(new CreateGroupCommand({ GroupName: "auditors" }));
  await admin.send(new AttachGroupPolicyCommand({ GroupName: "auditors", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }));
  assert.deepEqual((await admin.send(new ListAttachedGroupPoliciesCommand({ GroupName: "auditors" }))).AttachedPolicies, [{ PolicyName: "ReadOnlyAccess", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }]);
  await admin.send(new PutGroupPolicyCommand({ GroupName: "auditors", PolicyName: "extra", PolicyDocument: allowing("sqs:ListQueues") }));
  assert.equal((await admin.send(new GetGroupPolicyCommand({ GroupName: "auditors", PolicyName: "extra" }))).GroupName, "auditors");
});

test("instance profiles: one role each, listed by role, DeleteConflict while a role is in them", async () => {
  const admin = iam("300000000006");
  await admin.send(new CreateRoleCommand({ RoleName: "web", AssumeRolePolicyDocument: trustPolicy({ Service: "ec2.amazonaws.com" }, "sts:AssumeRole") }));
  await admin.send(new CreateRoleCommand({ RoleName: "batch", AssumeRolePolicyDocument: trustPolicy({ Service: "ec2.amazonaws.com" }, "sts:AssumeRole") }));
  const { InstanceProfile } = await admin.send(new CreateInstanceProfileCommand({ InstanceProfileName: "web-profile", Path: "/ec2/" }));
  assert.equal(InstanceProfile!.Arn, "arn:aws:iam::300000000006:instance-profile/ec2/web-profile");
  assert.match(InstanceProfile!.InstanceProfileId!, /^AIPA/);
  assert.deepEqual(InstanceProfile!.Roles, []);
  await admin.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "web" }));
  const got = await admin.send(new GetInstanceProfileCommand({ InstanceProfileName: "web-profile" }));
  assert.deepEqual(got.InstanceProfile!.Roles!.map((r) => r.RoleName), ["web"]);
  const second = await failure(admin.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "batch" })));
  assert.deepEqual([second.name, second.$metadata.httpStatusCode, second.message], ["LimitExceededException", 409, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"]);
  assert.deepEqual((await admin.send(new ListInstanceProfilesForRoleCommand({ RoleName: "web" }))).InstanceProfiles!.map((p) => p.InstanceProfileName), ["web-profile"]);
  assert.deepEqual((await admin.send(new ListInstanceProfilesCommand({ PathPrefix: "/ec2/" }))).InstanceProfiles!.map((p) => p.InstanceProfileName), ["web-profile"]);

  const roleInUse = await failure(admin.send(new DeleteRoleCommand({ RoleName: "web" })));
  assert.deepEqual([roleInUse.name, roleInUse.message], ["DeleteConflictException", "Cannot delete entity, must remove roles from instance profile first."]);
  const profileInUse = await failure(admin.send(new DeleteInstanceProfileCommand({ InstanceProfileName: "web-profile" })));
  assert.deepEqual([profileInUse.name, profileInUse.$metadata.httpStatusCode], ["DeleteConflictException", 409]);
  const twice = await failure(admin.send(new CreateInstanceProfileCommand({ InstanceProfileName: "web-profile" })));
  assert.deepEqual([twice.name, twice.$metadata.httpStatusCode, twice.message], ["EntityAlreadyExistsException", 409, "Instance Profile web-profile already exists."]);

  await admin.send(new TagInstanceProfileCommand({ InstanceProfileName: "web-profile", Tags: [{ Key: "tier", Value: "front" }] }));
  assert.deepEqual((await admin.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: "web-profile" }))).Tags, [{ Key: "tier", Value: "front" }]);
  const notIn = await failure(admin.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "batch" })));
  assert.deepEqual([notIn.name, notIn.$metadata.httpStatusCode], ["NoSuchEntityException", 404]);
  await admin.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: "web-profile", RoleName: "web" }));
  await admin.send(new DeleteInstanceProfileCommand({ InstanceProfileName: "web-profile" }));
  const gone = await failure(admin.send(new GetInstanceProfileCommand({ InstanceProfileName: "web-profile" })));
  assert.deepEqual([gone.name, gone.$metadata.httpStatusCode, gone.message], ["NoSuchEntityException", 404, "Instance Profile web-profile cannot be found."]);
  await admin.send(new DeleteRoleCommand({ RoleName: "web" }));
});

test("service-linked roles: named by their service, trusted by it, changed only through it", async () => {
  const admin = iam("300000000007");
  const { Role } = await admin.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "elasticbeanstalk.amazonaws.com" }));
  assert.equal(Role!.RoleName, "AWSServiceRoleForElasticBeanstalk");
  assert.equal(Role!.Arn, "arn:aws:iam::300000000007:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk");
  assert.deepEqual(documentOf(Role!.AssumeRolePolicyDocument).Statement[0], { Effect: "Allow", Principal: { Service: ["elasticbeanstalk.amazonaws.com"] }, Action: ["sts:AssumeRole"] });
  const ecs = await admin.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "ecs.amazonaws.com" }));
  assert.equal(ecs.Role!.RoleName, "AWSServiceRoleForECS");
  const suffixed = await admin.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "autoscaling.amazonaws.com", CustomSuffix: "fleet" }));
  assert.equal(suffixed.Role!.RoleName, "AWSServiceRoleForAutoScaling_fleet");

  const taken = await failure(admin.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "ecs.amazonaws.com" })));
  assert.deepEqual([taken.name, taken.$metadata.httpStatusCode, taken.message],
    ["InvalidInputException", 400, "Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix."]);
  const noSuffix = await failure(admin.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "ecs.amazonaws.com", CustomSuffix: "two" })));
  assert.deepEqual([noSuffix.name, noSuffix.message], ["InvalidInputException", "Custom suffix is not allowed for ecs.amazonaws.com"]);
  const notAService = await failure(admin.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: "example.com" })));
  assert.deepEqual([notAService.name, notAService.$metadata.httpStatusCode], ["InvalidInputException", 400]);

  for (const change of [
    () => admin.send(new DeleteRoleCommand({ RoleName: "AWSServiceRoleForECS" })),
    () => admin.send(new UpdateAssumeRolePolicyCommand({ RoleName: "AWSServiceRoleForECS", PolicyDocument: trustedBy("300000000007") })),
    () => admin.send(new PutRolePolicyCommand({ RoleName: "AWSServiceRoleForECS", PolicyName: "more", PolicyDocument: allowing("s3:*") })),
  ]) {
    const refused = await failure(change());
    assert.deepEqual([refused.name, refused.$metadata.httpStatusCode, refused.message],
      ["UnmodifiableEntityException", 400, "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS"]);
  }
  const { DeletionTaskId } = await admin.send(new DeleteServiceLinkedRoleCommand({ RoleName: "AWSServiceRoleForECS" }));
  assert.match(DeletionTaskId!, /^task\/aws-service-role\/ecs\.amazonaws\.com\/AWSServiceRoleForECS\/.+$/);
  assert.equal((await admin.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }))).Status, "SUCCEEDED");
  assert.equal((await failure(admin.send(new GetRoleCommand({ RoleName: "AWSServiceRoleForECS" })))).name, "NoSuchEntityException");
  await admin.send(new CreateRoleCommand({ RoleName: "ordinary", AssumeRolePolicyDocument: trustedBy("300000000007") }));
  const ordinary = await failure(admin.send(new DeleteServiceLinkedRoleCommand({ RoleName: "ordinary" })));
  assert.deepEqual([ordinary.name, ordinary.$metadata.httpStatusCode], ["InvalidInputException", 400]);
});
