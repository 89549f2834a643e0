import type { Permission } from "./acl.js";

/**
 * The IAM action each S3 operation is authorized as, and the ACL permission that grants it (on the bucket's
 * ACL, or on the object's for `object: true`); operations with no permission are the owner's alone.
 */
export interface S3Action {
  action: string;
  /** The action acts on an object: its resource is `arn:aws:s3:::bucket/key`. */
  object: boolean;
  permission?: Permission;
  /** Which ACL the permission is read from. */
  aclOn?: "bucket" | "object";
}

const bucket = (action: string, permission?: Permission): S3Action => ({ action, object: false, permission, aclOn: permission ? "bucket" : undefined });
const object = (action: string, permission?: Permission, aclOn: "bucket" | "object" = "object"): S3Action => ({ action, object: true, permission, aclOn: permission ? aclOn : undefined });

const ACTIONS: Record<string, S3Action> = {
  HeadBucket: bucket("s3:ListBucket", "READ"),
  ListObjects: bucket("s3:ListBucket", "READ"),
  ListObjectsV2: bucket("s3:ListBucket", "READ"),
  ListObjectVersions: bucket("s3:ListBucketVersions", "READ"),
  ListMultipartUploads: bucket("s3:ListBucketMultipartUploads", "READ"),
  DeleteBucket: bucket("s3:DeleteBucket"),
  GetBucketLocation: bucket("s3:GetBucketLocation"),
  GetBucketAcl: bucket("s3:GetBucketAcl", "READ_ACP"),
  PutBucketAcl: bucket("s3:PutBucketAcl", "WRITE_ACP"),
  GetBucketCors: bucket("s3:GetBucketCORS"),
  PutBucketCors: bucket("s3:PutBucketCORS"),
  DeleteBucketCors: bucket("s3:PutBucketCORS"),
  GetBucketWebsite: bucket("s3:GetBucketWebsite"),
  PutBucketWebsite: bucket("s3:PutBucketWebsite"),
  DeleteBucketWebsite: bucket("s3:DeleteBucketWebsite"),
  GetBucketLifecycleConfiguration: bucket("s3:GetLifecycleConfiguration"),
  PutBucketLifecycleConfiguration: bucket("s3:PutLifecycleConfiguration"),
  DeleteBucketLifecycle: bucket("s3:PutLifecycleConfiguration"),
  GetBucketEncryption: bucket("s3:GetEncryptionConfiguration"),
  PutBucketEncryption: bucket("s3:PutEncryptionConfiguration"),
  DeleteBucketEncryption: bucket("s3:PutEncryptionConfiguration"),
  GetBucketLogging: bucket("s3:GetBucketLogging"),
  PutBucketLogging: bucket("s3:PutBucketLogging"),
  GetBucketAccelerateConfiguration: bucket("s3:GetAccelerateConfiguration"),
  PutBucketAccelerateConfiguration: bucket("s3:PutAccelerateConfiguration"),
  GetBucketRequestPayment: bucket("s3:GetBucketRequestPayment"),
  PutBucketRequestPayment: bucket("s3:PutBucketRequestPayment"),
  GetBucketOwnershipControls: bucket("s3:GetBucketOwnershipControls"),
  PutBucketOwnershipControls: bucket("s3:PutBucketOwnershipControls"),
  DeleteBucketOwnershipControls: bucket("s3:PutBucketOwnershipControls"),
  GetPublicAccessBlock: bucket("s3:GetBucketPublicAccessBlock"),
  PutPublicAccessBlock: bucket("s3:PutBucketPublicAccessBlock"),
  DeletePublicAccessBlock: bucket("s3:PutBucketPublicAccessBlock"),
  GetBucketReplication: bucket("s3:GetReplicationConfiguration"),
  PutBucketReplication: bucket("s3:PutReplicationConfiguration"),
  DeleteBucketReplication: bucket("s3:PutReplicationConfiguration"),
  GetBucketNotificationConfiguration: bucket("s3:GetBucketNotification"),
  PutBucketNotificationConfiguration: bucket("s3:PutBucketNotification"),
  GetBucketInventoryConfiguration: bucket("s3:GetInventoryConfiguration"),
  ListBucketInventoryConfigurations: bucket("s3:GetInventoryConfiguration"),
  PutBucketInventoryConfiguration: bucket("s3:PutInventoryConfiguration"),
  DeleteBucketInventoryConfiguration: bucket("s3:PutInventoryConfiguration"),
  GetBucketAnalyticsConfiguration: bucket("s3:GetAnalyticsConfiguration"),
  ListBucketAnalyticsConfigurations: bucket("s3:GetAnalyticsConfiguration"),
  PutBucketAnalyticsConfiguration: bucket("s3:PutAnalyticsConfiguration"),
  DeleteBucketAnalyticsConfiguration: bucket("s3:PutAnalyticsConfiguration"),
  GetBucketMetricsConfiguration: bucket("s3:GetMetricsConfiguration"),
  ListBucketMetricsConfigurations: bucket("s3:GetMetricsConfiguration"),
  PutBucketMetricsConfiguration: bucket("s3:PutMetricsConfiguration"),
  DeleteBucketMetricsConfiguration: bucket("s3:PutMetricsConfiguration"),
  GetBucketIntelligentTieringConfiguration: bucket("s3:GetIntelligentTieringConfiguration"),
  ListBucketIntelligentTieringConfigurations: bucket("s3:GetIntelligentTieringConfiguration"),
  PutBucketIntelligentTieringConfiguration: bucket("s3:PutIntelligentTieringConfiguration"),
  DeleteBucketIntelligentTieringConfiguration: bucket("s3:PutIntelligentTieringConfiguration"),
  GetBucketPolicy: bucket("s3:GetBucketPolicy"),
  PutBucketPolicy: bucket("s3:PutBucketPolicy"),
  DeleteBucketPolicy: bucket("s3:DeleteBucketPolicy"),
  GetBucketPolicyStatus: bucket("s3:GetBucketPolicyStatus"),
  GetBucketTagging: bucket("s3:GetBucketTagging"),
  PutBucketTagging: bucket("s3:PutBucketTagging"),
  DeleteBucketTagging: bucket("s3:PutBucketTagging"),
  GetBucketVersioning: bucket("s3:GetBucketVersioning"),
  PutBucketVersioning: bucket("s3:PutBucketVersioning"),
  GetObjectLockConfiguration: bucket("s3:GetBucketObjectLockConfiguration"),
  PutObjectLockConfiguration: bucket("s3:PutBucketObjectLockConfiguration"),
  GetBucketAbac: bucket("s3:GetBucketAbac"),
  PutBucketAbac: bucket("s3:PutBucketAbac"),
  GetObject: object("s3:GetObject", "READ"),
  HeadObject: object("s3:GetObject", "READ"),
  GetObjectAttributes: object("s3:GetObjectAttributes", "READ"),
  PutObject: object("s3:PutObject", "WRITE", "bucket"),
  CopyObject: object("s3:PutObject", "WRITE", "bucket"),
  CreateMultipartUpload: object("s3:PutObject", "WRITE", "bucket"),
  UploadPart: object("s3:PutObject", "WRITE", "bucket"),
  UploadPartCopy: object("s3:PutObject", "WRITE", "bucket"),
  CompleteMultipartUpload: object("s3:PutObject", "WRITE", "bucket"),
  AbortMultipartUpload: object("s3:AbortMultipartUpload", "WRITE", "bucket"),
  ListParts: object("s3:ListMultipartUploadParts"),
  DeleteObject: object("s3:DeleteObject", "WRITE", "bucket"),
  DeleteObjects: object("s3:DeleteObject", "WRITE", "bucket"),
  GetObjectAcl: object("s3:GetObjectAcl", "READ_ACP"),
  PutObjectAcl: object("s3:PutObjectAcl", "WRITE_ACP"),
  GetObjectTagging: object("s3:GetObjectTagging"),
  PutObjectTagging: object("s3:PutObjectTagging"),
  DeleteObjectTagging: object("s3:DeleteObjectTagging"),
  GetObjectRetention: object("s3:GetObjectRetention"),
  PutObjectRetention: object("s3:PutObjectRetention"),
  GetObjectLegalHold: object("s3:GetObjectLegalHold"),
  PutObjectLegalHold: object("s3:PutObjectLegalHold"),
  RestoreObject: object("s3:RestoreObject"),
};

/** Reading from a copy source is authorized as a GET of that object. */
export const COPY_SOURCE: S3Action = object("s3:GetObject", "READ");

/** A request naming a version acts on that version: S3's *Version actions. */
const VERSIONED: Record<string, string> = {
  "s3:GetObject": "s3:GetObjectVersion", "s3:DeleteObject": "s3:DeleteObjectVersion", "s3:GetObjectAcl": "s3:GetObjectVersionAcl",
  "s3:PutObjectAcl": "s3:PutObjectVersionAcl", "s3:GetObjectTagging": "s3:GetObjectVersionTagging", "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
  "s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging", "s3:GetObjectAttributes": "s3:GetObjectVersionAttributes",
};

export function s3ActionOf(operation: string, versioned: boolean): S3Action {
  const found = ACTIONS[operation] ?? bucket(`s3:${operation}`);
  const version = versioned ? VERSIONED[found.action] : undefined;
  return version ? { ...found, action: version } : found;
}
