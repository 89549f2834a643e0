import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  IAMClient, CreateUserCommand, GetUserCommand, ListUsersCommand, UpdateUserCommand, DeleteUserCommand, TagUserCommand, UntagUserCommand,
  ListUserTagsCommand, CreateGroupCommand, GetGroupCommand, ListGroupsCommand, UpdateGroupCommand, DeleteGroupCommand, AddUserToGroupCommand,
  RemoveUserFromGroupCommand, ListGroupsForUserCommand, CreateAccessKeyCommand, ListAccessKeysCommand, UpdateAccessKeyCommand,
  DeleteAccessKeyCommand, GetAccessKeyLastUsedCommand, PutUserPolicyCommand, DeleteUserPolicyCommand, AttachUserPolicyCommand,
  DetachUserPolicyCommand, paginateListUsers,
} from "@aws-sdk/client-iam";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { S3Client, CreateBucketCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { failure, startTestCloudbox } from "../support/fixture.js";
import { allowing, keysOf, rootOf, signedAs } from "./identity-fixture.js";
import type { Keys } from "./identity-fixture.js";

let cloudbox: Cloudbox;
before(async () => {
  cloudbox = await startTestCloudbox();
});
after(() => cloudbox.stop());

const iam = (keys: Keys) => new IAMClient(signedAs(cloudbox, keys));

test("users: create, get, list by path, rename and delete", async () => {
  const admin = iam(rootOf("200000000001"));
  const { User } = await admin.send(new CreateUserCommand({ UserName: "alice", Path: "/engineering/" }));
  assert.equal(User!.Arn, "arn:aws:iam::200000000001:user/engineering/alice");
  assert.match(User!.UserId!, /^AIDA[A-Z2-7]{17}$/);
  await admin.send(new CreateUserCommand({ UserName: "bob" }));
  const got = await admin.send(new GetUserCommand({ UserName: "alice" }));
  assert.deepEqual([got.User!.UserName, got.User!.Path, got.User!.UserId], ["alice", "/engineering/", User!.UserId]);

  const engineering = await admin.send(new ListUsersCommand({ PathPrefix: "/engineering/" }));
  assert.deepEqual(engineering.Users!.map((u) => u.UserName), ["alice"]);
  assert.equal(engineering.IsTruncated, false);

  await admin.send(new UpdateUserCommand({ UserName: "alice", NewUserName: "alice2", NewPath: "/platform/" }));
  const renamed = await admin.send(new GetUserCommand({ UserName: "alice2" }));
  assert.deepEqual([renamed.User!.Arn, renamed.User!.UserId], ["arn:aws:iam::200000000001:user/platform/alice2", User!.UserId]);
  const gone = await failure(admin.send(new GetUserCommand({ UserName: "alice" })));
  assert.deepEqual([gone.name, gone.$metadata.httpStatusCode, gone.message], ["NoSuchEntityException", 404, "The user with name alice cannot be found."]);

  await admin.send(new DeleteUserCommand({ UserName: "alice2" }));
  assert.deepEqual((await admin.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName), ["bob"]);
  // Accounts are walls: another account sees none of these users.
  assert.deepEqual((await iam(rootOf("200000000002")).send(new ListUsersCommand({}))).Users, []);
});

test("users: names are unique regardless of case and follow IAM's pattern", async () => {
  const admin = iam(rootOf("200000000003"));
  await admin.send(new CreateUserCommand({ UserName: "carol" }));
  const twice = await failure(admin.send(new CreateUserCommand({ UserName: "Carol" })));
  assert.deepEqual([twice.name, twice.$metadata.httpStatusCode, twice.message], ["EntityAlreadyExistsException", 409, "User with name Carol already exists."]);
  const badName = await failure(admin.send(new CreateUserCommand({ UserName: "carol smith" })));
  assert.deepEqual([badName.name, badName.$metadata.httpStatusCode], ["ValidationError", 400]);
  const badPath = await failure(admin.send(new CreateUserCommand({ UserName: "dan", Path: "no-slashes" })));
  assert.deepEqual([badPath.name, badPath.$metadata.httpStatusCode], ["ValidationError", 400]);
  // A user signing GetUser without a name is answered about itself.
  const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: "carol" }));
  const self = await iam(keysOf(AccessKey)).send(new GetUserCommand({}));
  assert.equal(self.User!.UserName, "carol");
});

test("users: DeleteConflict until keys, inline and attached policies and groups are gone", async () => {
  const admin = iam(rootOf("200000000004"));
  await admin.send(new CreateUserCommand({ UserName: "erin" }));
  await admin.send(new CreateGroupCommand({ GroupName: "ops" }));
  const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: "erin" }));
  await admin.send(new PutUserPolicyCommand({ UserName: "erin", PolicyName: "read", PolicyDocument: allowing("s3:GetObject") }));
  await admin.send(new AttachUserPolicyCommand({ UserName: "erin", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }));
  await admin.send(new AddUserToGroupCommand({ UserName: "erin", GroupName: "ops" }));

  const steps: [string, () => Promise<unknown>][] = [
    ["Cannot delete entity, must delete access keys first.", () => admin.send(new DeleteAccessKeyCommand({ UserName: "erin", AccessKeyId: AccessKey!.AccessKeyId }))],
    ["Cannot delete entity, must delete policies first.", () => admin.send(new DeleteUserPolicyCommand({ UserName: "erin", PolicyName: "read" }))],
    ["Cannot delete entity, must detach all policies first.", () => admin.send(new DetachUserPolicyCommand({ UserName: "erin", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }))],
    ["Cannot delete entity, must remove users from group first.", () => admin.send(new RemoveUserFromGroupCommand({ UserName: "erin", GroupName: "ops" }))],
  ];
  for (const [message, clear] of steps) {
    const conflict = await failure(admin.send(new DeleteUserCommand({ UserName: "erin" })));
    assert.deepEqual([conflict.name, conflict.$metadata.httpStatusCode, conflict.message], ["DeleteConflictException", 409, message]);
    await clear();
  }
  await admin.send(new DeleteUserCommand({ UserName: "erin" }));
  assert.equal((await failure(admin.send(new GetUserCommand({ UserName: "erin" })))).name, "NoSuchEntityException");
});

test("groups: members, renames, DeleteConflict and the GroupsPerUser quota", async () => {
  const admin = iam(rootOf("200000000005"));
  const { Group } = await admin.send(new CreateGroupCommand({ GroupName: "devs", Path: "/teams/" }));
  assert.equal(Group!.Arn, "arn:aws:iam::200000000005:group/teams/devs");
  assert.match(Group!.GroupId!, /^AGPA/);
  await admin.send(new CreateUserCommand({ UserName: "frank" }));
  await admin.send(new CreateUserCommand({ UserName: "grace" }));
  await admin.send(new AddUserToGroupCommand({ GroupName: "devs", UserName: "frank" }));
  await admin.send(new AddUserToGroupCommand({ GroupName: "devs", UserName: "grace" }));
  const members = await admin.send(new GetGroupCommand({ GroupName: "devs" }));
  assert.deepEqual(members.Users!.map((u) => u.UserName).sort(), ["frank", "grace"]);
  assert.deepEqual((await admin.send(new ListGroupsForUserCommand({ UserName: "frank" }))).Groups!.map((g) => g.GroupName), ["devs"]);

  const twice = await failure(admin.send(new CreateGroupCommand({ GroupName: "DEVS" })));
  assert.deepEqual([twice.name, twice.$metadata.httpStatusCode, twice.message], ["EntityAlreadyExistsException", 409, "Group with name DEVS already exists."]);
  const noUser = await failure(admin.send(new AddUserToGroupCommand({ GroupName: "devs", UserName: "nobody" })));
  assert.deepEqual([noUser.name, noUser.$metadata.httpStatusCode, noUser.message], ["NoSuchEntityException", 404, "The user with name nobody cannot be found."]);
  const noGroup = await failure(admin.send(new GetGroupCommand({ GroupName: "nothing" })));
  assert.equal(noGroup.message, "The group with name nothing cannot be found.");

  await admin.send(new UpdateGroupCommand({ GroupName: "devs", NewGroupName: "developers" }));
  assert.deepEqual((await admin.send(new ListGroupsForUserCommand({ UserName: "grace" }))).Groups!.map((g) => g.GroupName), ["developers"]);
  const conflict = await failure(admin.send(new DeleteGroupCommand({ GroupName: "developers" })));
  assert.deepEqual([conflict.name, conflict.$metadata.httpStatusCode, conflict.message], ["DeleteConflictException", 409, "Cannot delete entity, must remove users from group first."]);
  await admin.send(new RemoveUserFromGroupCommand({ GroupName: "developers", UserName: "frank" }));
  await admin.send(new RemoveUserFromGroupCommand({ GroupName: "developers", UserName: "grace" }));
  await admin.send(new DeleteGroupCommand({ GroupName: "developers" }));
  assert.deepEqual((await admin.send(new ListGroupsCommand({}))).Groups, []);

  for (let i = 0; i < 10; i++) {
    await admin.send(new CreateGroupCommand({ GroupName: `g${i}` }));
    await admin.send(new AddUserToGroupCommand({ GroupName: `g${i}`, UserName: "frank" }));
  }
  await admin.send(new CreateGroupCommand({ GroupName: "g10" }));
  const quota = await failure(admin.send(new AddUserToGroupCommand({ GroupName: "g10", UserName: "frank" })));
  assert.deepEqual([quota.name, quota.$metadata.httpStatusCode, quota.message], ["LimitExceededException", 409, "Cannot exceed quota for GroupsPerUser: 10"]);
});

test("access keys: a new key authenticates as its user in STS, S3 and SQS until made Inactive", async () => {
  const account = "200000000006";
  const admin = iam(rootOf(account));
  const { User } = await admin.send(new CreateUserCommand({ UserName: "heidi" }));
  const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: "heidi" }));
  assert.match(AccessKey!.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(AccessKey!.SecretAccessKey!.length, 40);
  assert.equal(AccessKey!.Status, "Active");
  const heidi = keysOf(AccessKey);

  const who = await new STSClient(signedAs(cloudbox, heidi)).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([who.Account, who.Arn, who.UserId], [account, User!.Arn, User!.UserId]);
  await new S3Client(signedAs(cloudbox, heidi)).send(new CreateBucketCommand({ Bucket: "heidis-bucket" }));
  const buckets = await new S3Client(signedAs(cloudbox, rootOf(account))).send(new ListBucketsCommand({}));
  assert.ok(buckets.Buckets!.some((b) => b.Name === "heidis-bucket"), "the bucket belongs to the user's account");
  const sqs = new SQSClient(signedAs(cloudbox, heidi));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "heidis-queue" }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  assert.equal(Attributes!.QueueArn, `arn:aws:sqs:us-east-1:${account}:heidis-queue`);

  // A user manages its own keys without naming itself.
  const second = await iam(heidi).send(new CreateAccessKeyCommand({}));
  assert.equal(second.AccessKey!.UserName, "heidi");
  const listed = await admin.send(new ListAccessKeysCommand({ UserName: "heidi" }));
  assert.deepEqual(listed.AccessKeyMetadata!.map((k) => k.AccessKeyId).sort(), [AccessKey!.AccessKeyId, second.AccessKey!.AccessKeyId].sort());
  const third = await failure(admin.send(new CreateAccessKeyCommand({ UserName: "heidi" })));
  assert.deepEqual([third.name, third.$metadata.httpStatusCode, third.message], ["LimitExceededException", 409, "Cannot exceed quota for AccessKeysPerUser: 2"]);
  const lastUsed = await admin.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: AccessKey!.AccessKeyId }));
  assert.equal(lastUsed.UserName, "heidi");

  await admin.send(new UpdateAccessKeyCommand({ UserName: "heidi", AccessKeyId: AccessKey!.AccessKeyId, Status: "Inactive" }));
  const s3Refused = await failure(new S3Client(signedAs(cloudbox, heidi)).send(new ListBucketsCommand({})));
  assert.deepEqual([s3Refused.name, s3Refused.$metadata.httpStatusCode], ["InvalidAccessKeyId", 403]);
  const stsRefused = await failure(new STSClient(signedAs(cloudbox, heidi)).send(new GetCallerIdentityCommand({})));
  assert.deepEqual([stsRefused.name, stsRefused.$metadata.httpStatusCode], ["InvalidClientTokenId", 403]);
  await admin.send(new UpdateAccessKeyCommand({ UserName: "heidi", AccessKeyId: AccessKey!.AccessKeyId, Status: "Active" }));
  assert.equal((await new STSClient(signedAs(cloudbox, heidi)).send(new GetCallerIdentityCommand({}))).Arn, User!.Arn);

  // Another account cannot see or delete the key.
  const foreign = await failure(iam(rootOf("200000000007")).send(new GetAccessKeyLastUsedCommand({ AccessKeyId: AccessKey!.AccessKeyId })));
  assert.deepEqual([foreign.name, foreign.$metadata.httpStatusCode], ["NoSuchEntityException", 404]);
  await admin.send(new DeleteAccessKeyCommand({ UserName: "heidi", AccessKeyId: AccessKey!.AccessKeyId }));
  const deleted = await failure(admin.send(new DeleteAccessKeyCommand({ UserName: "heidi", AccessKeyId: AccessKey!.AccessKeyId })));
  assert.deepEqual([deleted.name, deleted.message], ["NoSuchEntityException", `The Access Key with id ${AccessKey!.AccessKeyId} cannot be found.`]);
});

test("tags on users: add, replace regardless of case, remove, and the 50-tag limit", async () => {
  const admin = iam(rootOf("200000000008"));
  const { User } = await admin.send(new CreateUserCommand({ UserName: "ivan", Tags: [{ Key: "team", Value: "data" }] }));
  assert.deepEqual(User!.Tags, [{ Key: "team", Value: "data" }]);
  await admin.send(new TagUserCommand({ UserName: "ivan", Tags: [{ Key: "Team", Value: "ml" }, { Key: "level", Value: "3" }] }));
  assert.deepEqual((await admin.send(new ListUserTagsCommand({ UserName: "ivan" }))).Tags, [{ Key: "Team", Value: "ml" }, { Key: "level", Value: "3" }]);
  await admin.send(new UntagUserCommand({ UserName: "ivan", TagKeys: ["TEAM"] }));
  assert.deepEqual((await admin.send(new GetUserCommand({ UserName: "ivan" }))).User!.Tags, [{ Key: "level", Value: "3" }]);

  const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
  const limit = await failure(admin.send(new TagUserCommand({ UserName: "ivan", Tags: many })));
  assert.deepEqual([limit.name, limit.$metadata.httpStatusCode], ["LimitExceededException", 409]);
  const duplicate = await failure(admin.send(new CreateUserCommand({ UserName: "judy", Tags: [{ Key: "a", Value: "1" }, { Key: "A", Value: "2" }] })));
  assert.deepEqual([duplicate.name, duplicate.$metadata.httpStatusCode], ["InvalidInputException", 400]);
  const noUser = await failure(admin.send(new TagUserCommand({ UserName: "nobody", Tags: [{ Key: "a", Value: "1" }] })));
  assert.deepEqual([noUser.name, noUser.$metadata.httpStatusCode], ["NoSuchEntityException", 404]);
});

test("paging: MaxItems, IsTruncated and Marker walk every user once, as the SDK paginator does", async () => {
  const admin = iam(rootOf("200000000009"));
  const names = Array.from({ length: 7 }, (_, i) => `user-${i}`);
  for (const UserName of names) await admin.send(new CreateUserCommand({ UserName }));
  const seen: string[] = [];
  let Marker: string | undefined;
  let pages = 0;
  do {
    const page = await admin.send(new ListUsersCommand({ MaxItems: 3, Marker }));
    pages++;
    seen.push(...page.Users!.map((u) => u.UserName!));
    assert.equal(page.IsTruncated, page.Marker !== undefined);
    Marker = page.Marker;
  } while (Marker);
  assert.equal(pages, 3);
  assert.deepEqual(seen.sort(), names);

  const paginated: string[] = [];
  for await (const page of paginateListUsers({ client: admin, pageSize: 2 }, {})) paginated.push(...page.Users!.map((u) => u.UserName!));
  assert.deepEqual(paginated.sort(), names);

  const tooMany = await failure(admin.send(new ListUsersCommand({ MaxItems: 1001 })));
  assert.deepEqual([tooMany.name, tooMany.$metadata.httpStatusCode], ["ValidationError", 400]);
});
