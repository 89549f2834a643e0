import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, GetBucketPolicyCommand,
  DeleteBucketPolicyCommand, GetBucketPolicyStatusCommand, PutPublicAccessBlockCommand, GetPublicAccessBlockCommand, DeletePublicAccessBlockCommand,
  PutBucketAclCommand, GetBucketAclCommand, PutObjectAclCommand, GetObjectAclCommand, PutBucketOwnershipControlsCommand, GetBucketOwnershipControlsCommand,
  DeleteBucketOwnershipControlsCommand, CopyObjectCommand, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, PutBucketRequestPaymentCommand, HeadBucketCommand, DeleteObjectCommand,
} from "@aws-sdk/client-s3";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, run, pythonEnv } from "../support/fixture.js";
import { rejectsWith } from "./support.js";

const OWNER = "111111111111";
const OTHER = "222222222222";
const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";

const policy = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("S3 access control: policies, ACLs, Block Public Access (SDK v3)", () => {
  let cb: Cloudbox;
  let owner: S3Client;
  let other: S3Client;
  const clientOf = (account: string) => new S3Client({ ...sdkConfig(cb), credentials: { accessKeyId: account, secretAccessKey: "x" } });
  before(async () => {
    cb = await startTestCloudbox();
    owner = clientOf(OWNER);
    other = clientOf(OTHER);
  });
  after(async () => {
    owner.destroy();
    other.destroy();
    await cb.stop();
  });

  it("another account is refused, allowed by a public policy, refused again by RestrictPublicBuckets", async () => {
    const Bucket = "walled-bucket";
    await owner.send(new CreateBucketCommand({ Bucket }));
    await owner.send(new PutObjectCommand({ Bucket, Key: "report.txt", Body: "quarterly" }));
    await rejectsWith(other.send(new GetObjectCommand({ Bucket, Key: "report.txt" })), "AccessDenied", 403);
    await rejectsWith(other.send(new ListObjectsV2Command({ Bucket })), "AccessDenied", 403);

    await owner.send(new PutBucketPolicyCommand({ Bucket, Policy: policy([{ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${Bucket}/*` }]) }));
    const got = await other.send(new GetObjectCommand({ Bucket, Key: "report.txt" }));
    assert.equal(await got.Body?.transformToString(), "quarterly");
    // The policy grants reads of objects, nothing else.
    await rejectsWith(other.send(new ListObjectsV2Command({ Bucket })), "AccessDenied", 403);
    await rejectsWith(other.send(new PutObjectCommand({ Bucket, Key: "intruder", Body: "x" })), "AccessDenied", 403);
    assert.equal((await owner.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic, true);

    await owner.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { RestrictPublicBuckets: true } }));
    await rejectsWith(other.send(new GetObjectCommand({ Bucket, Key: "report.txt" })), "AccessDenied", 403);
    assert.equal(await (await owner.send(new GetObjectCommand({ Bucket, Key: "report.txt" }))).Body?.transformToString(), "quarterly");
    assert.deepEqual((await owner.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration, { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: true });
    await owner.send(new DeletePublicAccessBlockCommand({ Bucket }));
    await rejectsWith(owner.send(new GetPublicAccessBlockCommand({ Bucket })), "NoSuchPublicAccessBlockConfiguration", 404);
  });

  it("a policy naming one account lets in that account only; an explicit Deny stops even the owner", async () => {
    const Bucket = "named-grant";
    await owner.send(new CreateBucketCommand({ Bucket }));
    await owner.send(new PutObjectCommand({ Bucket, Key: "shared/a.txt", Body: "a" }));
    await owner.send(new PutObjectCommand({ Bucket, Key: "private/b.txt", Body: "b" }));
    const third = clientOf("333333333333");
    await owner.send(new PutBucketPolicyCommand({ Bucket, Policy: policy([
      { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: ["s3:GetObject"], Resource: `arn:aws:s3:::${Bucket}/shared/*` },
      { Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:ListBucket", Resource: `arn:aws:s3:::${Bucket}`, Condition: { StringLike: { "s3:prefix": "shared/*" } } },
      { Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: `arn:aws:s3:::${Bucket}/*` },
    ]) }));
    assert.equal(await (await other.send(new GetObjectCommand({ Bucket, Key: "shared/a.txt" }))).Body?.transformToString(), "a");
    await rejectsWith(other.send(new GetObjectCommand({ Bucket, Key: "private/b.txt" })), "AccessDenied", 403);
    assert.deepEqual((await other.send(new ListObjectsV2Command({ Bucket, Prefix: "shared/" }))).Contents?.map((o) => o.Key), ["shared/a.txt"]);
    await rejectsWith(other.send(new ListObjectsV2Command({ Bucket, Prefix: "private/" })), "AccessDenied", 403);
    await rejectsWith(third.send(new GetObjectCommand({ Bucket, Key: "shared/a.txt" })), "AccessDenied", 403);
    await rejectsWith(owner.send(new DeleteObjectCommand({ Bucket, Key: "shared/a.txt" })), "AccessDenied", 403);
    assert.equal(JSON.parse((await owner.send(new GetBucketPolicyCommand({ Bucket }))).Policy!).Statement.length, 3);
    // Copying out of the bucket is reading it: allowed where the policy allows the read.
    await other.send(new CreateBucketCommand({ Bucket: "other-copies" }));
    await other.send(new CopyObjectCommand({ Bucket: "other-copies", Key: "a.txt", CopySource: `${Bucket}/shared/a.txt` }));
    await rejectsWith(other.send(new CopyObjectCommand({ Bucket: "other-copies", Key: "b.txt", CopySource: `${Bucket}/private/b.txt` })), "AccessDenied", 403);
    // A write another account is allowed to make belongs to the bucket's owner under BucketOwnerEnforced.
    await owner.send(new PutBucketPolicyCommand({ Bucket, Policy: policy([{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${Bucket}/inbox/*` }]) }));
    await other.send(new PutObjectCommand({ Bucket, Key: "inbox/drop.txt", Body: "dropped", ACL: "bucket-owner-full-control" }));
    assert.equal((await owner.send(new GetObjectAclCommand({ Bucket, Key: "inbox/drop.txt" }))).Owner?.ID, OWNER);
    await rejectsWith(other.send(new PutObjectCommand({ Bucket, Key: "outside.txt", Body: "x" })), "AccessDenied", 403);
    await owner.send(new DeleteBucketPolicyCommand({ Bucket }));
    await rejectsWith(owner.send(new GetBucketPolicyCommand({ Bucket })), "NoSuchBucketPolicy", 404);
    await rejectsWith(other.send(new GetObjectCommand({ Bucket, Key: "shared/a.txt" })), "AccessDenied", 403);
    third.destroy();
  });

  it("refuses malformed and blocked policies with S3's errors", async () => {
    const Bucket = "policy-checks";
    await owner.send(new CreateBucketCommand({ Bucket }));
    const malformed = async (text: string, message: string) => {
      const error = await rejectsWith(owner.send(new PutBucketPolicyCommand({ Bucket, Policy: text })), "MalformedPolicy", 400);
      assert.equal(error.message, message);
    };
    await malformed(policy([{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::some-other-bucket/*" }]), "Policy has invalid resource");
    await malformed(policy([{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: `arn:aws:s3:::${Bucket}/*` }]), "Policy has invalid action");
    await rejectsWith(owner.send(new PutBucketPolicyCommand({ Bucket, Policy: "{not json" })), "MalformedPolicy", 400);
    await owner.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { BlockPublicPolicy: true } }));
    const blocked = await rejectsWith(owner.send(new PutBucketPolicyCommand({ Bucket, Policy: policy([{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${Bucket}/*` }]) })), "AccessDenied", 403);
    assert.match(blocked.message, /because public policies are blocked by the BlockPublicPolicy block public access setting/);
    // A policy pinned to one account is not public: allowed under BlockPublicPolicy.
    await owner.send(new PutBucketPolicyCommand({ Bucket, Policy: policy([{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${Bucket}/*`, Condition: { StringEquals: { "aws:PrincipalAccount": OTHER } } }]) }));
    assert.equal((await owner.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic, false);
  });

  it("ACLs are off under BucketOwnerEnforced (the default) and decide access once ownership allows them", async () => {
    const Bucket = "acl-bucket";
    await owner.send(new CreateBucketCommand({ Bucket }));
    const acl = await owner.send(new GetBucketAclCommand({ Bucket }));
    assert.equal(acl.Owner?.ID, OWNER);
    assert.deepEqual(acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.ID, g.Permission]), [["CanonicalUser", OWNER, "FULL_CONTROL"]]);
    const off = await rejectsWith(owner.send(new PutBucketAclCommand({ Bucket, ACL: "public-read" })), "AccessControlListNotSupported", 400);
    assert.equal(off.message, "The bucket does not allow ACLs");
    await rejectsWith(owner.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x", ACL: "public-read" })), "AccessControlListNotSupported", 400);
    await owner.send(new PutObjectCommand({ Bucket, Key: "k", Body: "x", ACL: "bucket-owner-full-control" }));

    await owner.send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "ObjectWriter" }] } }));
    assert.equal((await owner.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership, "ObjectWriter");
    await rejectsWith(owner.send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "Anyone" as never }] } })), "MalformedXML", 400);
    // Grants by id, by email (ACCOUNT@… resolves to that account) and to a group, as headers and as a body.
    await owner.send(new PutBucketAclCommand({ Bucket, GrantRead: `id="${OTHER}"`, GrantWrite: `emailAddress="${OTHER}@example.com"`, GrantReadACP: `uri="${ALL_USERS}"` }));
    const grants = (await owner.send(new GetBucketAclCommand({ Bucket }))).Grants?.map((g) => [g.Grantee?.ID ?? g.Grantee?.URI, g.Permission]);
    assert.deepEqual(grants, [[OTHER, "READ"], [ALL_USERS, "READ_ACP"], [OTHER, "WRITE"]]);
    assert.deepEqual((await other.send(new ListObjectsV2Command({ Bucket }))).Contents?.map((o) => o.Key), ["k"]);
    await other.send(new PutObjectCommand({ Bucket, Key: "from-other", Body: "hello", ACL: "bucket-owner-full-control" }));
    const objectAcl = await owner.send(new GetObjectAclCommand({ Bucket, Key: "from-other" }));
    assert.equal(objectAcl.Owner?.ID, OTHER);
    assert.deepEqual(objectAcl.Grants?.map((g) => [g.Grantee?.ID, g.Permission]), [[OTHER, "FULL_CONTROL"], [OWNER, "FULL_CONTROL"]]);
    await rejectsWith(other.send(new GetObjectCommand({ Bucket, Key: "k" })), "AccessDenied", 403);
    await owner.send(new PutObjectAclCommand({ Bucket, Key: "k", AccessControlPolicy: { Owner: { ID: OWNER }, Grants: [{ Grantee: { Type: "CanonicalUser", ID: OWNER }, Permission: "FULL_CONTROL" }, { Grantee: { Type: "CanonicalUser", ID: OTHER }, Permission: "READ" }] } }));
    assert.equal(await (await other.send(new GetObjectCommand({ Bucket, Key: "k" }))).Body?.transformToString(), "x");
    // An overwrite starts from the default ACL again.
    await owner.send(new PutObjectCommand({ Bucket, Key: "k", Body: "y" }));
    await rejectsWith(other.send(new GetObjectCommand({ Bucket, Key: "k" })), "AccessDenied", 403);

    await rejectsWith(owner.send(new PutBucketAclCommand({ Bucket, GrantRead: 'emailAddress="nobody@example.com"' })), "UnresolvableGrantByEmailAddress", 400);
    await rejectsWith(owner.send(new PutBucketAclCommand({ Bucket, GrantRead: 'uri="http://acs.amazonaws.com/groups/global/Nobody"' })), "InvalidArgument", 400);
    await rejectsWith(owner.send(new PutBucketAclCommand({ Bucket, ACL: "public-read", GrantRead: `id="${OTHER}"` })), "InvalidRequest", 400);
    await rejectsWith(owner.send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } })), "InvalidBucketAclWithObjectOwnership", 400);
    await owner.send(new DeleteBucketOwnershipControlsCommand({ Bucket }));
    await rejectsWith(owner.send(new GetBucketOwnershipControlsCommand({ Bucket })), "OwnershipControlsNotFoundError", 404);
  });

  it("CreateBucket takes ACL and ownership headers as S3 does", async () => {
    await rejectsWith(owner.send(new CreateBucketCommand({ Bucket: "acl-at-create", ACL: "public-read" })), "InvalidBucketAclWithObjectOwnership", 400);
    await owner.send(new CreateBucketCommand({ Bucket: "acl-at-create", ACL: "public-read", ObjectOwnership: "ObjectWriter" }));
    const grants = (await owner.send(new GetBucketAclCommand({ Bucket: "acl-at-create" }))).Grants?.map((g) => [g.Grantee?.ID ?? g.Grantee?.URI, g.Permission]);
    assert.deepEqual(grants, [[OWNER, "FULL_CONTROL"], [ALL_USERS, "READ"]]);
    await owner.send(new HeadBucketCommand({ Bucket: "acl-at-create" }));
    await other.send(new HeadBucketCommand({ Bucket: "acl-at-create" }));
    await rejectsWith(owner.send(new CreateBucketCommand({ Bucket: "bad-ownership", ObjectOwnership: "Mine" as never })), "InvalidArgument", 400);
  });

  it("anonymous requests work exactly when the resource is public; Block Public Access refuses public ACLs", async () => {
    const Bucket = "public-objects";
    await owner.send(new CreateBucketCommand({ Bucket, ObjectOwnership: "ObjectWriter" }));
    await owner.send(new PutObjectCommand({ Bucket, Key: "public.txt", Body: "for everyone", ACL: "public-read" }));
    await owner.send(new PutObjectCommand({ Bucket, Key: "private.txt", Body: "for me" }));
    const pub = await fetch(`${cb.endpoint}/${Bucket}/public.txt`);
    assert.equal(pub.status, 200);
    assert.equal(await pub.text(), "for everyone");
    const priv = await fetch(`${cb.endpoint}/${Bucket}/private.txt`);
    assert.equal(priv.status, 403);
    assert.match(await priv.text(), /<Code>AccessDenied<\/Code>/);
    assert.equal((await fetch(`${cb.endpoint}/${Bucket}?list-type=2`)).status, 403);
    assert.equal((await fetch(`${cb.endpoint}/${Bucket}/anonymous.txt`, { method: "PUT", body: "x" })).status, 403);

    // ACLs given with a multipart upload or a copy reach the object they make.
    const { UploadId } = await owner.send(new CreateMultipartUploadCommand({ Bucket, Key: "multi.txt", ACL: "public-read" }));
    const part = await owner.send(new UploadPartCommand({ Bucket, Key: "multi.txt", UploadId, PartNumber: 1, Body: "in parts" }));
    await owner.send(new CompleteMultipartUploadCommand({ Bucket, Key: "multi.txt", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.equal(await (await fetch(`${cb.endpoint}/${Bucket}/multi.txt`)).text(), "in parts");
    await owner.send(new CopyObjectCommand({ Bucket, Key: "copy.txt", CopySource: `${Bucket}/private.txt`, ACL: "public-read" }));
    assert.equal(await (await fetch(`${cb.endpoint}/${Bucket}/copy.txt`)).text(), "for me");
    await owner.send(new CopyObjectCommand({ Bucket, Key: "copy-private.txt", CopySource: `${Bucket}/public.txt` }));
    assert.equal((await fetch(`${cb.endpoint}/${Bucket}/copy-private.txt`)).status, 403);

    await owner.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { IgnorePublicAcls: true, BlockPublicAcls: true } }));
    assert.equal((await fetch(`${cb.endpoint}/${Bucket}/public.txt`)).status, 403);
    await rejectsWith(owner.send(new PutObjectCommand({ Bucket, Key: "again.txt", Body: "x", ACL: "public-read" })), "AccessDenied", 403);
    await rejectsWith(owner.send(new PutObjectAclCommand({ Bucket, Key: "private.txt", ACL: "public-read" })), "AccessDenied", 403);
  });

  it("Requester Pays: other accounts must acknowledge the charge", async () => {
    const Bucket = "requester-pays";
    await owner.send(new CreateBucketCommand({ Bucket }));
    await owner.send(new PutObjectCommand({ Bucket, Key: "data", Body: "paid" }));
    await owner.send(new PutBucketPolicyCommand({ Bucket, Policy: policy([{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${Bucket}/*` }]) }));
    await owner.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: "Requester" } }));
    await rejectsWith(other.send(new GetObjectCommand({ Bucket, Key: "data" })), "AccessDenied", 403);
    assert.equal(await (await other.send(new GetObjectCommand({ Bucket, Key: "data", RequestPayer: "requester" }))).Body?.transformToString(), "paid");
    assert.equal(await (await owner.send(new GetObjectCommand({ Bucket, Key: "data" }))).Body?.transformToString(), "paid");
  });

  it("x-amz-expected-bucket-owner is checked", async () => {
    await owner.send(new CreateBucketCommand({ Bucket: "expected-owner" }));
    await owner.send(new HeadBucketCommand({ Bucket: "expected-owner", ExpectedBucketOwner: OWNER }));
    await rejectsWith(owner.send(new PutObjectCommand({ Bucket: "expected-owner", Key: "k", Body: "x", ExpectedBucketOwner: OTHER })), "AccessDenied", 403);
    await owner.send(new PutObjectCommand({ Bucket: "expected-owner", Key: "k", Body: "x", ExpectedBucketOwner: OWNER }));
    await rejectsWith(owner.send(new CopyObjectCommand({ Bucket: "expected-owner", Key: "k2", CopySource: "expected-owner/k", ExpectedSourceBucketOwner: OTHER })), "AccessDenied", 403);
    await owner.send(new CopyObjectCommand({ Bucket: "expected-owner", Key: "k2", CopySource: "expected-owner/k", ExpectedSourceBucketOwner: OWNER }));
  });

  it("boto3 and aws s3api set and read policies and ACLs, and the other account is refused", async () => {
    const env = (account: string) => ({ ...pythonEnv(cb), AWS_ACCESS_KEY_ID: account });
    const script = `
import boto3, json, botocore
s3 = boto3.client("s3")
s3.create_bucket(Bucket="py-access", ObjectOwnership="ObjectWriter")
s3.put_object(Bucket="py-access", Key="doc.txt", Body=b"doc")
s3.put_object_acl(Bucket="py-access", Key="doc.txt", ACL="public-read")
grants = s3.get_object_acl(Bucket="py-access", Key="doc.txt")["Grants"]
s3.put_bucket_policy(Bucket="py-access", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${OTHER}"}, "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::py-access"}]}))
try:
    s3.put_bucket_policy(Bucket="py-access", Policy='{"Statement": "nope"}')
    malformed = None
except botocore.exceptions.ClientError as e:
    malformed = e.response["Error"]["Code"]
print(json.dumps({"grants": [[g["Grantee"].get("URI", g["Grantee"].get("ID")), g["Permission"]] for g in grants], "malformed": malformed}))
`;
    const made = await run("python3", ["-"], env(OWNER), script);
    assert.equal(made.code, 0, made.stderr);
    const result = JSON.parse(made.stdout.trim().split("\n").pop()!) as { grants: string[][]; malformed: string };
    assert.deepEqual(result.grants, [[OWNER, "FULL_CONTROL"], [ALL_USERS, "READ"]]);
    assert.equal(result.malformed, "MalformedPolicy");
    const cli = (account: string, args: string[]) => run("aws", ["--endpoint-url", cb.endpoint, "s3api", ...args, "--output", "json"], env(account));
    const policyText = await cli(OWNER, ["get-bucket-policy", "--bucket", "py-access"]);
    assert.equal(policyText.code, 0, policyText.stderr);
    assert.equal(JSON.parse((JSON.parse(policyText.stdout) as { Policy: string }).Policy).Statement[0].Action, "s3:ListBucket");
    const listed = await cli(OTHER, ["list-objects-v2", "--bucket", "py-access"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { Contents: { Key: string }[] }).Contents.map((o) => o.Key), ["doc.txt"]);
    const refused = await cli("333333333333", ["list-objects-v2", "--bucket", "py-access"]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /AccessDenied/);
    const aclCli = await cli(OWNER, ["get-bucket-acl", "--bucket", "py-access"]);
    assert.equal((JSON.parse(aclCli.stdout) as { Owner: { ID: string } }).Owner.ID, OWNER);
  });
});
