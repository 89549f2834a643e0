import { createHash } from "node:crypto";

// The AWS managed policies programs attach most, as data: name, path and document. Their ids are
// derived from their names so that they are the same in every cloudbox; AWS's own documents of the
// broad read-only policies list hundreds of services, and cloudbox's name the services it serves.

interface ManagedPolicyData {
  name: string;
  path: string;
  description: string;
  statements: Record<string, unknown>[];
}

const allOf = (...actions: string[]) => [{ Effect: "Allow", Action: actions.length === 1 ? actions[0] : actions, Resource: "*" }];

const DATA: ManagedPolicyData[] = [
  { name: "AdministratorAccess", path: "/", description: "Provides full access to AWS services and resources.", statements: allOf("*") },
  { name: "PowerUserAccess", path: "/", description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.", statements: [
    { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
    { Effect: "Allow", Action: ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization", "account:ListRegions", "account:GetAccountInformation"], Resource: "*" },
  ] },
  { name: "ReadOnlyAccess", path: "/", description: "Provides read-only access to AWS services and resources.", statements: allOf(
    "ec2:Describe*", "ec2:Get*", "ebs:List*", "ebs:Get*", "iam:Get*", "iam:List*", "iam:Generate*", "s3:Get*", "s3:List*", "sns:Get*", "sns:List*", "sns:Check*", "sqs:Get*", "sqs:List*", "sqs:Receive*", "sts:GetCallerIdentity") },
  { name: "IAMFullAccess", path: "/", description: "Provides full access to IAM via the AWS Management Console.", statements: allOf("iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization", "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy", "organizations:ListChildren", "organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:ListRoots", "organizations:ListPolicies", "organizations:ListTargetsForPolicy") },
  { name: "IAMReadOnlyAccess", path: "/", description: "Provides read only access to IAM via the AWS Management Console.", statements: allOf("iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails", "iam:Get*", "iam:List*", "iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy") },
  { name: "AmazonS3FullAccess", path: "/", description: "Provides full access to all buckets via the AWS Management Console.", statements: allOf("s3:*", "s3-object-lambda:*") },
  { name: "AmazonS3ReadOnlyAccess", path: "/", description: "Provides read only access to all buckets via the AWS Management Console.", statements: allOf("s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*") },
  { name: "AmazonSQSFullAccess", path: "/", description: "Provides full access to Amazon SQS via the AWS Management Console.", statements: allOf("sqs:*") },
  { name: "AmazonSQSReadOnlyAccess", path: "/", description: "Provides read only access to Amazon SQS via the AWS Management Console.", statements: allOf("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues", "sqs:ListQueues", "sqs:ListMessageMoveTasks", "sqs:ListQueueTags") },
  { name: "AmazonSNSFullAccess", path: "/", description: "Provides full access to Amazon SNS via the AWS Management Console.", statements: allOf("sns:*") },
  { name: "AmazonSNSReadOnlyAccess", path: "/", description: "Provides read only access to Amazon SNS via the AWS Management Console.", statements: allOf("sns:GetTopicAttributes", "sns:List*", "sns:CheckIfPhoneNumberIsOptedOut", "sns:GetEndpointAttributes", "sns:GetDataProtectionPolicy", "sns:GetPlatformApplicationAttributes", "sns:GetSMSAttributes", "sns:GetSMSSandboxAccountStatus", "sns:GetSubscriptionAttributes") },
  { name: "AmazonEC2FullAccess", path: "/", description: "Provides full access to Amazon EC2 via the AWS Management Console.", statements: allOf("ec2:*", "elasticloadbalancing:*", "cloudwatch:*", "autoscaling:*") },
  { name: "AmazonEC2ReadOnlyAccess", path: "/", description: "Provides read only access to Amazon EC2 via the AWS Management Console.", statements: allOf("ec2:Describe*", "elasticloadbalancing:Describe*", "cloudwatch:ListMetrics", "cloudwatch:GetMetricStatistics", "cloudwatch:Describe*", "autoscaling:Describe*") },
  { name: "AmazonSSMManagedInstanceCore", path: "/", description: "The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.", statements: allOf("ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument", "ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters", "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory", "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel", "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply") },
  { name: "CloudWatchAgentServerPolicy", path: "/", description: "Permissions required to use AmazonCloudWatchAgent on servers", statements: allOf("cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups", "logs:CreateLogStream", "logs:CreateLogGroup") },
  { name: "AWSLambdaBasicExecutionRole", path: "/service-role/", description: "Provides write permissions to CloudWatch Logs.", statements: allOf("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents") },
  { name: "AmazonEC2RoleforSSM", path: "/service-role/", description: "Default policy for Amazon EC2 Role for Amazon EC2 Simple Systems Manager service role.", statements: allOf("ssm:*", "ec2messages:*", "cloudwatch:PutMetricData", "ds:CreateComputer", "ds:DescribeDirectories", "ec2:DescribeInstanceStatus", "logs:*", "s3:GetBucketLocation", "s3:PutObject", "s3:GetObject", "s3:ListBucket") },
];

export interface AwsManagedPolicy {
  arn: string;
  name: string;
  id: string;
  path: string;
  description: string;
  document: string;
  /** All of them carry one date: when cloudbox's copies were made to AWS's. */
  createdAt: number;
}

const CREATED = Date.parse("2015-02-06T18:39:46Z");

function idOf(name: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const digest = createHash("sha256").update(`aws-managed-policy:${name}`).digest();
  let id = "ANPA";
  for (let i = 0; i < 17; i++) id += alphabet[digest[i]! & 31];
  return id;
}

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = Object.freeze(DATA.map((p) => Object.freeze({
  arn: `arn:aws:iam::aws:policy${p.path}${p.name}`,
  name: p.name,
  id: idOf(p.name),
  path: p.path,
  description: p.description,
  document: JSON.stringify({ Version: "2012-10-17", Statement: p.statements }),
  createdAt: CREATED,
})));

const BY_ARN = new Map(AWS_MANAGED_POLICIES.map((p) => [p.arn, p]));

export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  return BY_ARN.get(arn);
}
