import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { evaluate, parsePolicy, PolicySyntaxError } from "../../services/identity/policy/index.js";
import type { AuthorizationRequest, Decision } from "../../services/identity/policy/index.js";

// Cases modelled on the examples of AWS's IAM policy reference (Principal, NotPrincipal, Action,
// NotAction, Resource, Condition operators, policy variables) and of the S3, SQS and SNS guides.

const root = (account: string): AuthorizationRequest["principal"] => ({ type: "AWS", id: `arn:aws:iam::${account}:root`, account });
const user = (account: string, name: string): AuthorizationRequest["principal"] => ({ type: "AWS", id: `arn:aws:iam::${account}:user/${name}`, account });
const session = (account: string, role: string, name: string): AuthorizationRequest["principal"] => ({
  type: "AWS",
  id: `arn:aws:sts::${account}:assumed-role/${role}/${name}`,
  account,
});
const service = (name: string): AuthorizationRequest["principal"] => ({ type: "Service", id: name });
const anonymous: AuthorizationRequest["principal"] = { type: "Anonymous", id: "*" };

const QUEUE = "arn:aws:sqs:us-east-1:111111111111:orders";
const TOPIC = "arn:aws:sns:us-east-1:111111111111:events";
const BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket";

type Doc = Record<string, unknown>;
const allow = (statement: Doc): Doc => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] });
const doc = (...statements: Doc[]): Doc => ({ Version: "2012-10-17", Statement: statements });

interface Case {
  name: string;
  policies: Doc[];
  request: AuthorizationRequest;
  expected: Decision;
}

const send = (principal: AuthorizationRequest["principal"], context?: AuthorizationRequest["context"]): AuthorizationRequest => ({
  principal,
  action: "sqs:SendMessage",
  resource: QUEUE,
  ...(context ? { context } : {}),
});

const cases: Case[] = [
  // Principals
  { name: "Principal * allows any account", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("222222222222")), expected: "Allow" },
  { name: "Principal * allows anonymous callers", policies: [allow({ Principal: "*", Action: "s3:GetObject", Resource: `${BUCKET}/*` })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/a.txt` }, expected: "Allow" },
  { name: "Principal {AWS: *} allows anonymous callers too (S3's public-read example)", policies: [allow({ Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: `${BUCKET}/*` })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/a.txt` }, expected: "Allow" },
  { name: "Principal {AWS: *} does not name a service", policies: [allow({ Principal: { AWS: "*" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(service("sns.amazonaws.com")), expected: "ImplicitDeny" },
  { name: "an account id names the account's root", policies: [allow({ Principal: { AWS: "222222222222" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("222222222222")), expected: "Allow" },
  { name: "an account id names every user of the account", policies: [allow({ Principal: { AWS: "222222222222" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(user("222222222222", "Bob")), expected: "Allow" },
  { name: "the account's root ARN names every user of the account", policies: [allow({ Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(user("222222222222", "Bob")), expected: "Allow" },
  { name: "an account id does not name another account", policies: [allow({ Principal: { AWS: "222222222222" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("333333333333")), expected: "ImplicitDeny" },
  { name: "a user ARN names that user", policies: [allow({ Principal: { AWS: "arn:aws:iam::222222222222:user/Bob" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(user("222222222222", "Bob")), expected: "Allow" },
  { name: "a user ARN does not name another user of the account", policies: [allow({ Principal: { AWS: "arn:aws:iam::222222222222:user/Bob" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(user("222222222222", "Alice")), expected: "ImplicitDeny" },
  { name: "a user ARN does not name the account's root", policies: [allow({ Principal: { AWS: "arn:aws:iam::222222222222:user/Bob" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("222222222222")), expected: "ImplicitDeny" },
  { name: "a role ARN names that role's sessions", policies: [allow({ Principal: { AWS: "arn:aws:iam::222222222222:role/reader" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(session("222222222222", "reader", "app")), expected: "Allow" },
  { name: "a role ARN with a path names the role's sessions (session ARNs carry no path)", policies: [allow({ Principal: { AWS: "arn:aws:iam::222222222222:role/team/reader" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(session("222222222222", "reader", "app")), expected: "Allow" },
  { name: "a role ARN does not name another role's sessions", policies: [allow({ Principal: { AWS: "arn:aws:iam::222222222222:role/reader" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(session("222222222222", "writer", "app")), expected: "ImplicitDeny" },
  { name: "a session ARN names that session only", policies: [allow({ Principal: { AWS: "arn:aws:sts::222222222222:assumed-role/reader/app" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(session("222222222222", "reader", "other")), expected: "ImplicitDeny" },
  { name: "a list of principals names each of them", policies: [allow({ Principal: { AWS: ["333333333333", "arn:aws:iam::222222222222:user/Bob"] }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("333333333333")), expected: "Allow" },
  { name: "a Service principal names the service", policies: [allow({ Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(service("sns.amazonaws.com")), expected: "Allow" },
  { name: "a Service principal does not name an account", policies: [allow({ Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("222222222222")), expected: "ImplicitDeny" },
  { name: "a Federated principal names its provider", policies: [allow({ Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity" })], request: { principal: { type: "Federated", id: "cognito-identity.amazonaws.com" }, action: "sts:AssumeRoleWithWebIdentity", resource: "*" }, expected: "Allow" },
  { name: "a trust policy without Resource applies to resource *", policies: [allow({ Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" })], request: { principal: user("222222222222", "Bob"), action: "sts:AssumeRole", resource: "*" }, expected: "Allow" },
  { name: "a statement without Principal (identity policy) applies to whoever holds it", policies: [allow({ Action: "sqs:SendMessage", Resource: QUEUE })], request: send(user("111111111111", "Bob")), expected: "Allow" },

  // NotPrincipal
  { name: "Deny with NotPrincipal denies everyone not listed", policies: [allow({ Principal: "*", Action: "sqs:*", Resource: QUEUE }), doc({ Effect: "Deny", NotPrincipal: { AWS: ["arn:aws:iam::222222222222:user/Bob", "arn:aws:iam::222222222222:root"] }, Action: "sqs:*", Resource: QUEUE })], request: send(user("222222222222", "Alice")), expected: "Deny" },
  { name: "Deny with NotPrincipal exempts a user listed with its account", policies: [allow({ Principal: "*", Action: "sqs:*", Resource: QUEUE }), doc({ Effect: "Deny", NotPrincipal: { AWS: ["arn:aws:iam::222222222222:user/Bob", "arn:aws:iam::222222222222:root"] }, Action: "sqs:*", Resource: QUEUE })], request: send(user("222222222222", "Bob")), expected: "Allow" },
  { name: "Deny with NotPrincipal naming only the user still denies it (its account is not listed)", policies: [allow({ Principal: "*", Action: "sqs:*", Resource: QUEUE }), doc({ Effect: "Deny", NotPrincipal: { AWS: "arn:aws:iam::222222222222:user/Bob" }, Action: "sqs:*", Resource: QUEUE })], request: send(user("222222222222", "Bob")), expected: "Deny" },
  { name: "Deny with NotPrincipal exempts a session listed with its role and account", policies: [allow({ Principal: "*", Action: "sqs:*", Resource: QUEUE }), doc({ Effect: "Deny", NotPrincipal: { AWS: ["arn:aws:sts::222222222222:assumed-role/audit/app", "arn:aws:iam::222222222222:role/audit", "arn:aws:iam::222222222222:root"] }, Action: "sqs:*", Resource: QUEUE })], request: send(session("222222222222", "audit", "app")), expected: "Allow" },
  { name: "Allow with NotPrincipal allows everyone else", policies: [doc({ Effect: "Allow", NotPrincipal: { AWS: "333333333333" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("222222222222")), expected: "Allow" },
  { name: "Allow with NotPrincipal does not allow the account it names", policies: [doc({ Effect: "Allow", NotPrincipal: { AWS: "333333333333" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("333333333333")), expected: "ImplicitDeny" },

  // Actions
  { name: "actions match case-insensitively", policies: [allow({ Principal: "*", Action: "SQS:sendmessage", Resource: QUEUE })], request: send(root("222222222222")), expected: "Allow" },
  { name: "sqs:* matches every SQS action", policies: [allow({ Principal: "*", Action: "sqs:*", Resource: QUEUE })], request: { principal: root("222222222222"), action: "sqs:ReceiveMessage", resource: QUEUE }, expected: "Allow" },
  { name: "a prefix wildcard matches its actions only", policies: [allow({ Principal: "*", Action: "sqs:Get*", Resource: QUEUE })], request: { principal: root("222222222222"), action: "sqs:DeleteQueue", resource: QUEUE }, expected: "ImplicitDeny" },
  { name: "? matches exactly one character", policies: [allow({ Principal: "*", Action: "s3:?etObject", Resource: `${BUCKET}/*` })], request: { principal: root("222222222222"), action: "s3:GetObject", resource: `${BUCKET}/k` }, expected: "Allow" },
  { name: "an action of another service does not match", policies: [allow({ Principal: "*", Action: "sns:Publish", Resource: QUEUE })], request: send(root("222222222222")), expected: "ImplicitDeny" },
  { name: "Action * matches every action", policies: [allow({ Principal: "*", Action: "*", Resource: "*" })], request: send(root("222222222222")), expected: "Allow" },
  { name: "NotAction allows every action but the listed ones", policies: [doc({ Effect: "Allow", Principal: "*", NotAction: "sqs:DeleteQueue", Resource: QUEUE })], request: send(root("222222222222")), expected: "Allow" },
  { name: "NotAction does not allow the listed action", policies: [doc({ Effect: "Allow", Principal: "*", NotAction: "sqs:DeleteQueue", Resource: QUEUE })], request: { principal: root("222222222222"), action: "sqs:DeleteQueue", resource: QUEUE }, expected: "ImplicitDeny" },
  { name: "Deny with NotAction denies everything but the listed actions", policies: [allow({ Principal: "*", Action: "sqs:*", Resource: QUEUE }), doc({ Effect: "Deny", Principal: "*", NotAction: ["sqs:SendMessage", "sqs:GetQueueAttributes"], Resource: QUEUE })], request: { principal: root("222222222222"), action: "sqs:PurgeQueue", resource: QUEUE }, expected: "Deny" },

  // Resources
  { name: "a resource wildcard matches objects under the bucket", policies: [allow({ Principal: "*", Action: "s3:GetObject", Resource: `${BUCKET}/public/*` })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/public/a/b.txt` }, expected: "Allow" },
  { name: "a resource wildcard does not match other prefixes", policies: [allow({ Principal: "*", Action: "s3:GetObject", Resource: `${BUCKET}/public/*` })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/private/a.txt` }, expected: "ImplicitDeny" },
  { name: "a bucket ARN does not match its objects", policies: [allow({ Principal: "*", Action: "s3:*", Resource: BUCKET })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/a.txt` }, expected: "ImplicitDeny" },
  { name: "ARN parts match one by one (* in the region part)", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:*:111111111111:orders" })], request: send(root("222222222222")), expected: "Allow" },
  { name: "a wildcard in the region part does not reach the account part", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:*:222222222222:orders" })], request: send(root("222222222222")), expected: "ImplicitDeny" },
  { name: "resources are case-sensitive", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111111111111:Orders" })], request: send(root("222222222222")), expected: "ImplicitDeny" },
  { name: "NotResource allows every resource but the listed ones", policies: [doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", NotResource: `${BUCKET}/secret/*` })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/open.txt` }, expected: "Allow" },
  { name: "NotResource does not allow the listed resources", policies: [doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", NotResource: `${BUCKET}/secret/*` })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/secret/k` }, expected: "ImplicitDeny" },
  { name: "a policy variable in Resource is the caller's user name", policies: [allow({ Action: "s3:GetObject", Resource: `${BUCKET}/home/\${aws:username}/*` })], request: { principal: user("111111111111", "Bob"), action: "s3:GetObject", resource: `${BUCKET}/home/Bob/notes.txt` }, expected: "Allow" },
  { name: "a policy variable does not match another user's folder", policies: [allow({ Action: "s3:GetObject", Resource: `${BUCKET}/home/\${aws:username}/*` })], request: { principal: user("111111111111", "Bob"), action: "s3:GetObject", resource: `${BUCKET}/home/Alice/notes.txt` }, expected: "ImplicitDeny" },

  // Conditions
  { name: "ArnEquals aws:SourceArn lets the named topic send (SNS-to-SQS example)", policies: [allow({ Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: QUEUE, Condition: { ArnEquals: { "aws:SourceArn": TOPIC } } })], request: send(service("sns.amazonaws.com"), { "aws:SourceArn": TOPIC }), expected: "Allow" },
  { name: "ArnEquals aws:SourceArn refuses another topic", policies: [allow({ Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: QUEUE, Condition: { ArnEquals: { "aws:SourceArn": TOPIC } } })], request: send(service("sns.amazonaws.com"), { "aws:SourceArn": "arn:aws:sns:us-east-1:333333333333:events" }), expected: "ImplicitDeny" },
  { name: "ArnLike with a wildcard account part", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:111111111111:*" } } })], request: send(service("sns.amazonaws.com"), { "aws:SourceArn": TOPIC }), expected: "Allow" },
  { name: "ArnNotLike holds for other ARNs", policies: [doc({ Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { ArnNotLike: { "aws:SourceArn": "arn:aws:sns:*:111111111111:*" } } })], request: send(service("sns.amazonaws.com"), { "aws:SourceArn": "arn:aws:sns:us-east-1:333333333333:t" }), expected: "Deny" },
  { name: "a condition on an absent key does not hold (StringEquals)", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } })], request: send(root("222222222222")), expected: "ImplicitDeny" },
  { name: "condition key names are case-insensitive (SNS's AWS:SourceOwner)", policies: [allow({ Principal: { AWS: "*" }, Action: "sns:Publish", Resource: TOPIC, Condition: { StringEquals: { "AWS:SourceOwner": "111111111111" } } })], request: { principal: root("111111111111"), action: "sns:Publish", resource: TOPIC, context: { "aws:SourceOwner": "111111111111" } }, expected: "Allow" },
  { name: "several values of one key are ORed", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { StringEquals: { "aws:SourceAccount": ["333333333333", "222222222222"] } } })], request: send(root("222222222222"), { "aws:SourceAccount": "222222222222" }), expected: "Allow" },
  { name: "several keys are ANDed", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { StringEquals: { "aws:SourceAccount": "222222222222", "aws:PrincipalType": "User" } } })], request: send(root("222222222222"), { "aws:SourceAccount": "222222222222" }), expected: "ImplicitDeny" },
  { name: "several operators are ANDed", policies: [allow({ Principal: "*", Action: "s3:GetObject", Resource: `${BUCKET}/*`, Condition: { Bool: { "aws:SecureTransport": "true" }, IpAddress: { "aws:SourceIp": "192.0.2.0/24" } } })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/k`, context: { "aws:SecureTransport": "true", "aws:SourceIp": "203.0.113.7" } }, expected: "ImplicitDeny" },
  { name: "StringNotEquals with an absent key holds (the VPC-endpoint deny refuses requests without one)", policies: [allow({ Principal: "*", Action: "s3:*", Resource: `${BUCKET}/*` }), doc({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `${BUCKET}/*`, Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } })], request: { principal: root("111111111111"), action: "s3:GetObject", resource: `${BUCKET}/k` }, expected: "Deny" },
  { name: "StringNotEquals does not hold for a listed value", policies: [allow({ Principal: "*", Action: "s3:*", Resource: `${BUCKET}/*` }), doc({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `${BUCKET}/*`, Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } })], request: { principal: root("111111111111"), action: "s3:GetObject", resource: `${BUCKET}/k`, context: { "aws:SourceVpce": "vpce-1a2b3c4d" } }, expected: "Allow" },
  { name: "StringEqualsIgnoreCase ignores case", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { StringEqualsIgnoreCase: { "aws:PrincipalTag/team": "Blue" } } })], request: send(root("222222222222"), { "aws:PrincipalTag/team": "BLUE" }), expected: "Allow" },
  { name: "StringEquals is case-sensitive", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { StringEquals: { "aws:PrincipalTag/team": "Blue" } } })], request: send(root("222222222222"), { "aws:PrincipalTag/team": "BLUE" }), expected: "ImplicitDeny" },
  { name: "StringLike matches with wildcards", policies: [allow({ Principal: "*", Action: "s3:ListBucket", Resource: BUCKET, Condition: { StringLike: { "s3:prefix": ["home/${aws:username}/*", "public/*"] } } })], request: { principal: user("111111111111", "Bob"), action: "s3:ListBucket", resource: BUCKET, context: { "s3:prefix": "home/Bob/photos" } }, expected: "Allow" },
  { name: "StringNotLike holds for values that match no pattern", policies: [doc({ Effect: "Deny", Principal: "*", Action: "s3:ListBucket", Resource: BUCKET, Condition: { StringNotLike: { "s3:prefix": "public/*" } } })], request: { principal: anonymous, action: "s3:ListBucket", resource: BUCKET, context: { "s3:prefix": "private/" } }, expected: "Deny" },
  { name: "NumericLessThanEquals bounds s3:max-keys", policies: [allow({ Principal: "*", Action: "s3:ListBucket", Resource: BUCKET, Condition: { NumericLessThanEquals: { "s3:max-keys": "10" } } })], request: { principal: anonymous, action: "s3:ListBucket", resource: BUCKET, context: { "s3:max-keys": "20" } }, expected: "ImplicitDeny" },
  { name: "NumericGreaterThan compares numbers, not text", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { NumericGreaterThan: { "custom:size": 9 } } })], request: send(root("222222222222"), { "custom:size": "10" }), expected: "Allow" },
  { name: "DateLessThan allows before the date", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { DateLessThan: { "aws:CurrentTime": "2026-12-31T23:59:59Z" } } })], request: send(root("222222222222"), { "aws:CurrentTime": "2026-06-01T00:00:00Z" }), expected: "Allow" },
  { name: "DateGreaterThan refuses before the date (epoch seconds in the request)", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { DateGreaterThan: { "aws:EpochTime": "2026-01-01T00:00:00Z" } } })], request: send(root("222222222222"), { "aws:EpochTime": String(Date.UTC(2025, 0, 1) / 1000) }), expected: "ImplicitDeny" },
  { name: "Bool aws:SecureTransport false denies plain HTTP", policies: [allow({ Principal: "*", Action: "s3:*", Resource: `${BUCKET}/*` }), doc({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `${BUCKET}/*`, Condition: { Bool: { "aws:SecureTransport": "false" } } })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/k`, context: { "aws:SecureTransport": "false" } }, expected: "Deny" },
  { name: "Bool takes JSON booleans", policies: [allow({ Principal: "*", Action: "s3:*", Resource: `${BUCKET}/*`, Condition: { Bool: { "aws:SecureTransport": true } } })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/k`, context: { "aws:SecureTransport": "true" } }, expected: "Allow" },
  { name: "IpAddress matches an address in the block", policies: [allow({ Principal: "*", Action: "s3:GetObject", Resource: `${BUCKET}/*`, Condition: { IpAddress: { "aws:SourceIp": "192.0.2.0/24" } } })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/k`, context: { "aws:SourceIp": "192.0.2.77" } }, expected: "Allow" },
  { name: "NotIpAddress holds outside the block", policies: [allow({ Principal: "*", Action: "s3:GetObject", Resource: `${BUCKET}/*` }), doc({ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `${BUCKET}/*`, Condition: { NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"] } } })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/k`, context: { "aws:SourceIp": "198.51.100.1" } }, expected: "Deny" },
  { name: "IpAddress matches IPv6 blocks", policies: [allow({ Principal: "*", Action: "s3:GetObject", Resource: `${BUCKET}/*`, Condition: { IpAddress: { "aws:SourceIp": "2001:db8::/32" } } })], request: { principal: anonymous, action: "s3:GetObject", resource: `${BUCKET}/k`, context: { "aws:SourceIp": "2001:db8:1234::1" } }, expected: "Allow" },
  { name: "Null true holds when the key is absent", policies: [doc({ Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { Null: { "aws:SourceArn": "true" } } })], request: send(root("222222222222")), expected: "Deny" },
  { name: "Null false holds when the key is present", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { Null: { "aws:SourceArn": "false" } } })], request: send(root("222222222222"), { "aws:SourceArn": TOPIC }), expected: "Allow" },
  { name: "…IfExists holds when the key is absent", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { StringEqualsIfExists: { "aws:SourceAccount": "111111111111" } } })], request: send(root("222222222222")), expected: "Allow" },
  { name: "…IfExists applies the operator when the key is present", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { StringEqualsIfExists: { "aws:SourceAccount": "111111111111" } } })], request: send(root("222222222222"), { "aws:SourceAccount": "333333333333" }), expected: "ImplicitDeny" },
  { name: "ForAllValues:StringEquals holds when every requested tag key is allowed", policies: [allow({ Principal: "*", Action: "sqs:TagQueue", Resource: QUEUE, Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] } } })], request: { principal: root("222222222222"), action: "sqs:TagQueue", resource: QUEUE, context: { "aws:TagKeys": ["env"] } }, expected: "Allow" },
  { name: "ForAllValues:StringEquals fails when one value is not listed", policies: [allow({ Principal: "*", Action: "sqs:TagQueue", Resource: QUEUE, Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] } } })], request: { principal: root("222222222222"), action: "sqs:TagQueue", resource: QUEUE, context: { "aws:TagKeys": ["env", "cost"] } }, expected: "ImplicitDeny" },
  { name: "ForAllValues holds for an absent key", policies: [allow({ Principal: "*", Action: "sqs:TagQueue", Resource: QUEUE, Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["env"] } } })], request: { principal: root("222222222222"), action: "sqs:TagQueue", resource: QUEUE }, expected: "Allow" },
  { name: "ForAnyValue:StringEquals holds when one value is listed", policies: [allow({ Principal: "*", Action: "sqs:TagQueue", Resource: QUEUE, Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["env"] } } })], request: { principal: root("222222222222"), action: "sqs:TagQueue", resource: QUEUE, context: { "aws:TagKeys": ["cost", "env"] } }, expected: "Allow" },
  { name: "ForAnyValue fails for an absent key", policies: [allow({ Principal: "*", Action: "sqs:TagQueue", Resource: QUEUE, Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["env"] } } })], request: { principal: root("222222222222"), action: "sqs:TagQueue", resource: QUEUE }, expected: "ImplicitDeny" },
  { name: "aws:PrincipalAccount is filled in from the caller", policies: [allow({ Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE, Condition: { StringEquals: { "aws:PrincipalAccount": "222222222222" } } })], request: send(user("222222222222", "Bob")), expected: "Allow" },

  // Deny precedence and implicit deny
  { name: "no statement applies: implicit deny", policies: [allow({ Principal: { AWS: "333333333333" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("222222222222")), expected: "ImplicitDeny" },
  { name: "no policies: implicit deny", policies: [], request: send(root("222222222222")), expected: "ImplicitDeny" },
  { name: "an explicit Deny wins over an Allow in the same policy", policies: [doc({ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: QUEUE }, { Effect: "Deny", Principal: { AWS: "222222222222" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("222222222222")), expected: "Deny" },
  { name: "an explicit Deny wins over an Allow in another policy", policies: [allow({ Principal: "*", Action: "sqs:*", Resource: QUEUE }), doc({ Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: "*" })], request: send(root("222222222222")), expected: "Deny" },
  { name: "a Deny for other callers leaves the Allow standing", policies: [doc({ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: QUEUE }, { Effect: "Deny", Principal: { AWS: "333333333333" }, Action: "sqs:SendMessage", Resource: QUEUE })], request: send(root("222222222222")), expected: "Allow" },
  { name: "a Deny whose condition does not hold denies nothing", policies: [doc({ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: QUEUE }, { Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: QUEUE, Condition: { Bool: { "aws:SecureTransport": "false" } } })], request: send(root("222222222222"), { "aws:SecureTransport": "true" }), expected: "Allow" },
  { name: "a single Statement object (not a list) is one statement", policies: [{ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE } }], request: send(root("222222222222")), expected: "Allow" },
];

describe("policy evaluator: case table from AWS's policy examples", () => {
  it("has at least 40 cases", () => assert.ok(cases.length >= 40));
  for (const testCase of cases) {
    it(testCase.name, () => {
      const policies = testCase.policies.map((policy) => parsePolicy(JSON.stringify(policy)));
      assert.equal(evaluate(policies, testCase.request), testCase.expected);
    });
  }
});

describe("policy evaluator: documents AWS refuses", () => {
  const malformed: Array<[string, string, RegExp]> = [
    ["not JSON", "Version: 2012-10-17", /first byte must be '\{'/],
    ["broken JSON", '{"Statement": [', /invalid Json/],
    ["no Statement", '{"Version":"2012-10-17"}', /Missing required field Statement/],
    ["an unknown version", JSON.stringify({ Version: "2020-01-01", Statement: [{ Effect: "Allow", Action: "*" }] }), /version/],
    ["an unknown top-level field", JSON.stringify({ Version: "2012-10-17", Statment: [] }), /Unknown field Statment/],
    ["an unknown statement field", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Principals: "*" }] }), /Unknown field Principals/],
    ["a bad Effect", JSON.stringify({ Statement: [{ Effect: "Allw", Action: "*" }] }), /Invalid effect: Allw/],
    ["no Effect", JSON.stringify({ Statement: [{ Action: "*" }] }), /Missing required field Effect/],
    ["no Action", JSON.stringify({ Statement: [{ Effect: "Allow", Resource: "*" }] }), /Missing required field Action/],
    ["an action without a service", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "SendMessage" }] }), /invalid action/],
    ["a resource that is not an ARN", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "my-queue" }] }), /invalid resource/],
    ["a partial wildcard in a principal", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:user/*" }, Action: "*" }] }), /Invalid principal/],
    ["a principal that is neither account nor ARN", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "bob" }, Action: "*" }] }), /Invalid principal/],
    ["an unknown principal kind", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Users: "x" }, Action: "*" }] }), /Invalid principal/],
    ["Principal and NotPrincipal together", JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", NotPrincipal: "*", Action: "*" }] }), /both Principal and NotPrincipal/],
    ["an unknown condition operator", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Condition: { StringEqual: { "aws:SourceArn": "x" } } }] }), /Invalid Condition type : StringEqual/],
    ["a Numeric operator with a non-number", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Condition: { NumericLessThan: { "s3:max-keys": "ten" } } }] }), /NumericLessThan/],
    ["an IpAddress that is not a block", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/33" } } }] }), /IpAddress/],
    ["NullIfExists", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Condition: { NullIfExists: { "aws:SourceIp": "true" } } }] }), /Invalid Condition type/],
  ];
  for (const [name, text, message] of malformed) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parsePolicy(text), (error: unknown) => error instanceof PolicySyntaxError && message.test(error.message));
    });
  }

  it("keeps Sid, Version and Id", () => {
    const policy = parsePolicy(JSON.stringify({ Version: "2012-10-17", Id: "q1", Statement: [{ Sid: "one", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: QUEUE }] }));
    assert.equal(policy.version, "2012-10-17");
    assert.equal(policy.id, "q1");
    assert.equal(policy.statements[0]?.sid, "one");
    assert.equal(policy.statements[0]?.effect, "Deny");
  });

  it("a 2008-10-17 policy takes ${...} literally", () => {
    const policy = parsePolicy(JSON.stringify({ Version: "2008-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `${BUCKET}/home/\${aws:username}/*` }] }));
    assert.equal(evaluate([policy], { principal: user("111111111111", "Bob"), action: "s3:GetObject", resource: `${BUCKET}/home/Bob/k` }), "ImplicitDeny");
  });
});
