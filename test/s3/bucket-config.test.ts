import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as S3 from "@aws-sdk/client-s3";
import {
  S3Client, CreateBucketCommand, DeleteBucketCommand, PutBucketCorsCommand, GetBucketCorsCommand, DeleteBucketCorsCommand,
  PutBucketWebsiteCommand, GetBucketWebsiteCommand, DeleteBucketWebsiteCommand, PutBucketLifecycleConfigurationCommand,
  GetBucketLifecycleConfigurationCommand, DeleteBucketLifecycleCommand, PutBucketEncryptionCommand, GetBucketEncryptionCommand,
  DeleteBucketEncryptionCommand, PutObjectCommand, HeadObjectCommand, GetObjectCommand, PutBucketLoggingCommand, GetBucketLoggingCommand,
  PutBucketAccelerateConfigurationCommand, GetBucketAccelerateConfigurationCommand, PutBucketRequestPaymentCommand, GetBucketRequestPaymentCommand,
  PutBucketReplicationCommand, GetBucketReplicationCommand, DeleteBucketReplicationCommand, PutBucketNotificationConfigurationCommand,
  GetBucketNotificationConfigurationCommand, PutBucketInventoryConfigurationCommand, GetBucketInventoryConfigurationCommand,
  ListBucketInventoryConfigurationsCommand, DeleteBucketInventoryConfigurationCommand, PutBucketMetricsConfigurationCommand,
  ListBucketMetricsConfigurationsCommand, PutBucketAnalyticsConfigurationCommand, GetBucketAnalyticsConfigurationCommand,
  PutBucketIntelligentTieringConfigurationCommand, GetBucketIntelligentTieringConfigurationCommand, GetBucketLocationCommand, CreateMultipartUploadCommand,
} from "@aws-sdk/client-s3";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig, boto3, awsCli } from "../support/fixture.js";
import { rejectsWith } from "./support.js";

/** Get operations that belong to other parts of S3, or that cloudbox leaves out, each with its reason. */
const NOT_HERE: Record<string, string> = {
  GetBucketVersioning: "versioning is built with the object side",
  GetBucketTagging: "bucket tags are built with the object side",
  GetBucketMetadataConfiguration: "S3 Metadata writes into S3 Tables, which cloudbox does not serve",
  GetBucketMetadataTableConfiguration: "S3 Metadata writes into S3 Tables, which cloudbox does not serve",
};

/** The "nothing set" answers S3 gives for a fresh bucket's sub-resources. */
const ABSENT = new Set(["NoSuchCORSConfiguration", "NoSuchWebsiteConfiguration", "NoSuchLifecycleConfiguration", "NoSuchBucketPolicy", "NoSuchPublicAccessBlockConfiguration", "ReplicationConfigurationNotFoundError", "NoSuchConfiguration"]);

describe("S3 bucket configurations (SDK v3)", () => {
  let cb: Cloudbox;
  let s3: S3Client;
  before(async () => {
    cb = await startTestCloudbox();
    s3 = new S3Client(sdkConfig(cb));
  });
  after(async () => {
    s3.destroy();
    await cb.stop();
  });

  it("reads back a fresh bucket's whole configuration: data or S3's no-such-configuration error, never 501", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "fresh-config" }));
    const commands = Object.keys(S3).filter((k) => /^(GetBucket\w+|GetPublicAccessBlock|ListBucket\w+Configurations)Command$/.test(k));
    assert.ok(commands.length >= 25, `found ${commands.length} read operations`);
    const answers: Record<string, string> = {};
    for (const name of commands) {
      const operation = name.slice(0, -"Command".length);
      if (NOT_HERE[operation]) continue;
      const Command = (S3 as unknown as Record<string, new (input: object) => S3.GetBucketCorsCommand>)[name]!;
      try {
        await s3.send(new Command({ Bucket: "fresh-config", Id: "config-1" }));
        answers[operation] = "data";
      } catch (error) {
        const e = error as S3.S3ServiceException;
        assert.ok(ABSENT.has(e.name), `${operation} answered ${e.name} (${e.$metadata.httpStatusCode}): ${e.message}`);
        assert.equal(e.$metadata.httpStatusCode, 404, operation);
        answers[operation] = e.name;
      }
    }
    assert.equal(answers.GetBucketCors, "NoSuchCORSConfiguration");
    assert.equal(answers.GetBucketEncryption, "data");
    assert.equal(answers.GetBucketOwnershipControls, "data");
    assert.equal(answers.GetBucketPolicyStatus, "NoSuchBucketPolicy");
    assert.equal(answers.GetBucketInventoryConfiguration, "NoSuchConfiguration");
    const encryption = await s3.send(new S3.GetBucketEncryptionCommand({ Bucket: "fresh-config" }));
    assert.equal(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, "AES256");
    const ownership = await s3.send(new S3.GetBucketOwnershipControlsCommand({ Bucket: "fresh-config" }));
    assert.equal(ownership.OwnershipControls?.Rules?.[0]?.ObjectOwnership, "BucketOwnerEnforced");
    assert.equal((await s3.send(new GetBucketRequestPaymentCommand({ Bucket: "fresh-config" }))).Payer, "BucketOwner");
    assert.equal((await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: "fresh-config" }))).Status, undefined);
    assert.equal((await s3.send(new GetBucketLoggingCommand({ Bucket: "fresh-config" }))).LoggingEnabled, undefined);
    await rejectsWith(s3.send(new GetBucketLocationCommand({ Bucket: "no-such-config-bucket" })), "NoSuchBucket", 404);
  });

  it("sets, reads and deletes CORS rules; refuses what S3 refuses", async () => {
    const Bucket = "cors-config";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const rule = { ID: "web", AllowedOrigins: ["https://*.example.com"], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["x-amz-*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 600 };
    await s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: [rule] } }));
    assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket }))).CORSRules, [rule]);
    const patch = await rejectsWith(s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["*"], AllowedMethods: ["PATCH"] }] } })), "InvalidRequest", 400);
    assert.equal(patch.message, "Found unsupported HTTP method in CORS config. Unsupported method is PATCH");
    const origin = await rejectsWith(s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["http://*.*.example.com"], AllowedMethods: ["GET"] }] } })), "InvalidRequest", 400);
    assert.equal(origin.message, 'AllowedOrigin "http://*.*.example.com" can not have more than one wildcard.');
    await rejectsWith(s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["*"], AllowedMethods: ["GET"], ExposeHeaders: ["*"] }] } })), "InvalidRequest", 400);
    await rejectsWith(s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: [] } })), "MalformedXML", 400);
    // The rules that failed left the stored ones alone.
    assert.equal((await s3.send(new GetBucketCorsCommand({ Bucket }))).CORSRules?.length, 1);
    await s3.send(new DeleteBucketCorsCommand({ Bucket }));
    const gone = await rejectsWith(s3.send(new GetBucketCorsCommand({ Bucket })), "NoSuchCORSConfiguration", 404);
    assert.equal(gone.message, "The CORS configuration does not exist");
  });

  it("sets, reads and deletes a website configuration", async () => {
    const Bucket = "website-config";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const WebsiteConfiguration = { IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "error.html" }, RoutingRules: [{ Condition: { KeyPrefixEquals: "docs/" }, Redirect: { ReplaceKeyPrefixWith: "documents/" } }] };
    await s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration }));
    const got = await s3.send(new GetBucketWebsiteCommand({ Bucket }));
    assert.deepEqual({ IndexDocument: got.IndexDocument, ErrorDocument: got.ErrorDocument, RoutingRules: got.RoutingRules }, WebsiteConfiguration);
    const missing = await rejectsWith(s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: { ErrorDocument: { Key: "e.html" } } })), "InvalidArgument", 400);
    assert.equal(missing.message, "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty");
    await rejectsWith(s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: { IndexDocument: { Suffix: "a/index.html" } } })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: { IndexDocument: { Suffix: "i.html" }, RedirectAllRequestsTo: { HostName: "example.com" } } })), "InvalidArgument", 400);
    await s3.send(new DeleteBucketWebsiteCommand({ Bucket }));
    const gone = await rejectsWith(s3.send(new GetBucketWebsiteCommand({ Bucket })), "NoSuchWebsiteConfiguration", 404);
    assert.equal(gone.message, "The specified bucket does not have a website configuration");
  });

  it("validates lifecycle rules: ids, filters, days and dates", async () => {
    const Bucket = "lifecycle-config";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const rules: S3.LifecycleRule[] = [
      { ID: "logs", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Days: 30 } },
      { ID: "big-tagged", Status: "Disabled", Filter: { And: { Prefix: "data/", Tags: [{ Key: "tier", Value: "cold" }], ObjectSizeGreaterThan: 1024 } }, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] },
      { Status: "Enabled", Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
    ];
    const put = await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: rules } }));
    assert.equal(put.TransitionDefaultMinimumObjectSize, "all_storage_classes_128K");
    const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    assert.equal(got.Rules?.length, 3);
    assert.deepEqual(got.Rules?.[0], rules[0]);
    assert.deepEqual(got.Rules?.[1]?.Filter, rules[1]!.Filter);
    assert.match(got.Rules?.[2]?.ID ?? "", /^\w{20,}$/, "a rule without an id is given one");
    const bad = async (rule: S3.LifecycleRule, code: string, message?: string) => {
      const error = await rejectsWith(s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [rule] } })), code, 400);
      if (message) assert.equal(error.message, message);
    };
    await bad({ ID: "zero", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 0 } }, "InvalidArgument", "'Days' for Expiration action must be a positive integer");
    await bad({ ID: "noon", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Date: new Date("2030-01-01T12:00:00Z") } }, "InvalidArgument", "'Date' must be at midnight GMT");
    await bad({ ID: "nothing", Status: "Enabled", Filter: { Prefix: "" } }, "InvalidRequest", "At least one action needs to be specified in a rule");
    await bad({ ID: "two", Status: "Enabled", Filter: { Prefix: "a", ObjectSizeGreaterThan: 5 }, Expiration: { Days: 1 } }, "MalformedXML");
    await bad({ ID: "status", Status: "On" as never, Filter: { Prefix: "" }, Expiration: { Days: 1 } }, "MalformedXML");
    await bad({ ID: "ia", Status: "Enabled", Filter: { Prefix: "" }, Transitions: [{ Days: 10, StorageClass: "STANDARD_IA" }] }, "InvalidArgument", "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'");
    await bad({ ID: "x".repeat(256), Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 1 } }, "InvalidArgument", "ID length should not exceed allowed limit of 255");
    await bad({ ID: "abort-tags", Status: "Enabled", Filter: { Tag: { Key: "k", Value: "v" } }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }, "InvalidRequest");
    const duplicate = await rejectsWith(s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [rules[0]!, rules[0]!] } })), "InvalidArgument", 400);
    assert.equal(duplicate.message, "Rule ID must be unique. Found same ID for more than one rule");
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket }));
    const gone = await rejectsWith(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })), "NoSuchLifecycleConfiguration", 404);
    assert.equal(gone.message, "The lifecycle configuration does not exist");
  });

  it("default encryption: SSE-S3 until set, SSE-KMS applied to new objects and echoed on them", async () => {
    const Bucket = "encryption-config";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const plain = await s3.send(new PutObjectCommand({ Bucket, Key: "plain", Body: "x" }));
    assert.equal(plain.ServerSideEncryption, "AES256");
    // A KMS write names its key; without one, the account's aws/s3 managed key.
    const kms = await s3.send(new PutObjectCommand({ Bucket, Key: "kms", Body: "x", ServerSideEncryption: "aws:kms" }));
    assert.equal(kms.ServerSideEncryption, "aws:kms");
    assert.match(kms.SSEKMSKeyId ?? "", /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "kms" }));
    assert.equal(head.ServerSideEncryption, "aws:kms");
    assert.equal(head.SSEKMSKeyId, kms.SSEKMSKeyId);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "plain" }))).ServerSideEncryption, "AES256");
    const keyArn = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555";
    await s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }] } }));
    const rules = (await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules;
    assert.deepEqual(rules, [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }]);
    const defaulted = await s3.send(new PutObjectCommand({ Bucket, Key: "defaulted", Body: "x" }));
    assert.equal(defaulted.ServerSideEncryption, "aws:kms");
    assert.equal(defaulted.SSEKMSKeyId, keyArn);
    assert.equal(defaulted.BucketKeyEnabled, true);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "defaulted" }));
    assert.equal(got.ServerSideEncryption, "aws:kms");
    assert.equal(got.SSEKMSKeyId, keyArn);
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "multi" }));
    assert.equal(upload.ServerSideEncryption, "aws:kms");
    // A write may still ask for SSE-S3 explicitly.
    assert.equal((await s3.send(new PutObjectCommand({ Bucket, Key: "s3-managed", Body: "x", ServerSideEncryption: "AES256" }))).ServerSideEncryption, "AES256");
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "bad", Body: "x", ServerSideEncryption: "rot13" as never })), "InvalidArgument", 400);
    await rejectsWith(s3.send(new PutObjectCommand({ Bucket, Key: "ssec", Body: "x", SSECustomerAlgorithm: "AES256", SSECustomerKey: Buffer.alloc(32).toString("base64") })), "NotImplemented", 501);
    await rejectsWith(s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "DES" as never } }] } })), "MalformedXML", 400);
    await rejectsWith(s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256", KMSMasterKeyID: keyArn } }] } })), "InvalidArgument", 400);
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket }));
    assert.equal((await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, "AES256");
    assert.equal((await s3.send(new PutObjectCommand({ Bucket, Key: "after", Body: "x" }))).ServerSideEncryption, "AES256");
  });

  it("logging, acceleration and request payment", async () => {
    const Bucket = "settings-config";
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new CreateBucketCommand({ Bucket: "settings-logs" }));
    await s3.send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: "settings-logs", TargetPrefix: "access/" } } }));
    assert.deepEqual((await s3.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled, { TargetBucket: "settings-logs", TargetPrefix: "access/" });
    const noTarget = await rejectsWith(s3.send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: "settings-nowhere", TargetPrefix: "" } } })), "InvalidTargetBucketForLogging", 400);
    assert.equal(noTarget.message, "The target bucket for logging does not exist");
    await s3.send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: {} }));
    assert.equal((await s3.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled, undefined);

    await s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: "Enabled" } }));
    assert.equal((await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket }))).Status, "Enabled");
    await rejectsWith(s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: "On" as never } })), "MalformedXML", 400);
    await s3.send(new CreateBucketCommand({ Bucket: "dotted.bucket" }));
    await rejectsWith(s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket: "dotted.bucket", AccelerateConfiguration: { Status: "Enabled" } })), "InvalidRequest", 400);

    await s3.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: "Requester" } }));
    assert.equal((await s3.send(new GetBucketRequestPaymentCommand({ Bucket }))).Payer, "Requester");
    await rejectsWith(s3.send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: "Nobody" as never } })), "MalformedXML", 400);
  });

  it("replication: stored and validated, destinations must exist", async () => {
    const Bucket = "replication-config";
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new CreateBucketCommand({ Bucket: "replication-target" }));
    const ReplicationConfiguration: S3.ReplicationConfiguration = {
      Role: "arn:aws:iam::000000000000:role/replication",
      Rules: [{ ID: "all", Priority: 1, Status: "Enabled", Filter: { Prefix: "" }, DeleteMarkerReplication: { Status: "Disabled" }, Destination: { Bucket: "arn:aws:s3:::replication-target" } }],
    };
    await s3.send(new PutBucketReplicationCommand({ Bucket, ReplicationConfiguration }));
    assert.deepEqual((await s3.send(new GetBucketReplicationCommand({ Bucket }))).ReplicationConfiguration, ReplicationConfiguration);
    await rejectsWith(s3.send(new PutBucketReplicationCommand({ Bucket, ReplicationConfiguration: { ...ReplicationConfiguration, Rules: [{ ...ReplicationConfiguration.Rules![0]!, Destination: { Bucket: "arn:aws:s3:::replication-nowhere" } }] } })), "InvalidRequest", 400);
    await s3.send(new DeleteBucketReplicationCommand({ Bucket }));
    await rejectsWith(s3.send(new GetBucketReplicationCommand({ Bucket })), "ReplicationConfigurationNotFoundError", 404);
  });

  it("notification configuration: events checked, SQS destinations proven with AWS's test event", async () => {
    const Bucket = "notify-config";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const sqs = new SQSClient(sdkConfig(cb));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "s3-events" }));
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    const NotificationConfiguration = { QueueConfigurations: [{ Id: "created", QueueArn: arn, Events: ["s3:ObjectCreated:*" as const], Filter: { Key: { FilterRules: [{ Name: "prefix" as const, Value: "in/" }] } } }] };
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration }));
    const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
    assert.deepEqual(got.QueueConfigurations, NotificationConfiguration.QueueConfigurations);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    const event = JSON.parse(received.Messages?.[0]?.Body ?? "{}") as Record<string, string>;
    assert.equal(event.Event, "s3:TestEvent");
    assert.equal(event.Bucket, Bucket);
    const missing = await rejectsWith(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: "arn:aws:sqs:us-east-1:000000000000:no-such-queue", Events: ["s3:ObjectCreated:*"] }] } })), "InvalidArgument", 400);
    assert.equal(missing.message, "Unable to validate the following destination configurations");
    await rejectsWith(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ["s3:ObjectExploded" as never] }] } })), "InvalidArgument", 400);
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: {} }));
    assert.equal((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }))).QueueConfigurations, undefined);
    sqs.destroy();
  });

  it("inventory, metrics, analytics and intelligent-tiering configurations by id", async () => {
    const Bucket = "id-configs";
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new CreateBucketCommand({ Bucket: "id-configs-reports" }));
    const InventoryConfiguration: S3.InventoryConfiguration = {
      Id: "weekly", IsEnabled: true, IncludedObjectVersions: "Current", Schedule: { Frequency: "Weekly" },
      Destination: { S3BucketDestination: { Bucket: "arn:aws:s3:::id-configs-reports", Format: "CSV", Prefix: "inv" } },
    };
    await s3.send(new PutBucketInventoryConfigurationCommand({ Bucket, Id: "weekly", InventoryConfiguration }));
    assert.deepEqual((await s3.send(new GetBucketInventoryConfigurationCommand({ Bucket, Id: "weekly" }))).InventoryConfiguration, InventoryConfiguration);
    assert.deepEqual((await s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket }))).InventoryConfigurationList?.map((c) => c.Id), ["weekly"]);
    await rejectsWith(s3.send(new PutBucketInventoryConfigurationCommand({ Bucket, Id: "other", InventoryConfiguration })), "InvalidArgument", 400);
    await s3.send(new DeleteBucketInventoryConfigurationCommand({ Bucket, Id: "weekly" }));
    await rejectsWith(s3.send(new GetBucketInventoryConfigurationCommand({ Bucket, Id: "weekly" })), "NoSuchConfiguration", 404);
    await rejectsWith(s3.send(new DeleteBucketInventoryConfigurationCommand({ Bucket, Id: "weekly" })), "NoSuchConfiguration", 404);

    for (const Id of ["b-metrics", "a-metrics"]) await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id, MetricsConfiguration: { Id, Filter: { Prefix: "p/" } } }));
    assert.deepEqual((await s3.send(new ListBucketMetricsConfigurationsCommand({ Bucket }))).MetricsConfigurationList?.map((c) => c.Id), ["a-metrics", "b-metrics"]);

    const AnalyticsConfiguration = { Id: "sca", StorageClassAnalysis: {} };
    await s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket, Id: "sca", AnalyticsConfiguration }));
    assert.equal((await s3.send(new GetBucketAnalyticsConfigurationCommand({ Bucket, Id: "sca" }))).AnalyticsConfiguration?.Id, "sca");

    const tiering: S3.IntelligentTieringConfiguration = { Id: "archive", Status: "Enabled", Tierings: [{ AccessTier: "ARCHIVE_ACCESS", Days: 90 }] };
    await s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "archive", IntelligentTieringConfiguration: tiering }));
    assert.deepEqual((await s3.send(new GetBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "archive" }))).IntelligentTieringConfiguration, tiering);
    await rejectsWith(s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "early", IntelligentTieringConfiguration: { ...tiering, Id: "early", Tierings: [{ AccessTier: "ARCHIVE_ACCESS", Days: 10 }] } })), "InvalidArgument", 400);
  });

  it("a deleted bucket's configuration does not pass to a new bucket of the same name", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "reborn" }));
    await s3.send(new PutBucketCorsCommand({ Bucket: "reborn", CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["*"], AllowedMethods: ["GET"] }] } }));
    await s3.send(new DeleteBucketCommand({ Bucket: "reborn" }));
    await s3.send(new CreateBucketCommand({ Bucket: "reborn" }));
    await rejectsWith(s3.send(new GetBucketCorsCommand({ Bucket: "reborn" })), "NoSuchCORSConfiguration", 404);
  });

  it("boto3 and the aws CLI set and read lifecycle rules, and get S3's errors", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "lifecycle-py" }));
    const out = (await boto3(cb, `
import boto3, json, botocore
s3 = boto3.client("s3")
s3.put_bucket_lifecycle_configuration(Bucket="lifecycle-py", LifecycleConfiguration={"Rules": [{"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}}]})
rules = s3.get_bucket_lifecycle_configuration(Bucket="lifecycle-py")["Rules"]
try:
    s3.put_bucket_lifecycle_configuration(Bucket="lifecycle-py", LifecycleConfiguration={"Rules": [{"ID": "bad", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": -1}}]})
    error = None
except botocore.exceptions.ClientError as e:
    error = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
print(json.dumps({"rules": rules, "error": error}))
`)) as { rules: { ID: string; Expiration: { Days: number } }[]; error: string[] };
    assert.equal(out.rules[0]?.ID, "tmp");
    assert.equal(out.rules[0]?.Expiration.Days, 1);
    assert.deepEqual(out.error, ["InvalidArgument", "'Days' for Expiration action must be a positive integer"]);
    const cli = await awsCli(cb, ["s3api", "get-bucket-lifecycle-configuration", "--bucket", "lifecycle-py"]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((cli.json as { Rules: { ID: string }[] }).Rules[0]?.ID, "tmp");
    await awsCli(cb, ["s3api", "delete-bucket-lifecycle", "--bucket", "lifecycle-py"]);
    const gone = await awsCli(cb, ["s3api", "get-bucket-lifecycle-configuration", "--bucket", "lifecycle-py"]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NoSuchLifecycleConfiguration/);
  });
});
