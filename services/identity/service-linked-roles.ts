import { IamErrors } from "./errors.js";

// The names IAM gives service-linked roles. They follow no rule a program could derive from the
// service principal (ecs → AWSServiceRoleForECS, es → AWSServiceRoleForAmazonElasticsearchService),
// so the services programs create them for most are data; any other service gets a name built
// from its principal's first label. `suffix: false` marks services that refuse a CustomSuffix.

interface LinkedService {
  name: string;
  suffix?: false;
}

const KNOWN: Record<string, LinkedService> = {
  "autoscaling.amazonaws.com": { name: "AWSServiceRoleForAutoScaling" },
  "elasticbeanstalk.amazonaws.com": { name: "AWSServiceRoleForElasticBeanstalk" },
  "elasticloadbalancing.amazonaws.com": { name: "AWSServiceRoleForElasticLoadBalancing" },
  "ecs.amazonaws.com": { name: "AWSServiceRoleForECS", suffix: false },
  "eks.amazonaws.com": { name: "AWSServiceRoleForAmazonEKS" },
  "eks-nodegroup.amazonaws.com": { name: "AWSServiceRoleForAmazonEKSNodegroup" },
  "es.amazonaws.com": { name: "AWSServiceRoleForAmazonElasticsearchService", suffix: false },
  "opensearchservice.amazonaws.com": { name: "AWSServiceRoleForAmazonOpenSearchService" },
  "rds.amazonaws.com": { name: "AWSServiceRoleForRDS" },
  "elasticache.amazonaws.com": { name: "AWSServiceRoleForElastiCache" },
  "redshift.amazonaws.com": { name: "AWSServiceRoleForRedshift" },
  "elasticfilesystem.amazonaws.com": { name: "AWSServiceRoleForAmazonElasticFileSystem" },
  "spot.amazonaws.com": { name: "AWSServiceRoleForEC2Spot" },
  "spotfleet.amazonaws.com": { name: "AWSServiceRoleForEC2SpotFleet" },
  "ssm.amazonaws.com": { name: "AWSServiceRoleForAmazonSSM" },
  "organizations.amazonaws.com": { name: "AWSServiceRoleForOrganizations" },
  "support.amazonaws.com": { name: "AWSServiceRoleForSupport" },
  "trustedadvisor.amazonaws.com": { name: "AWSServiceRoleForTrustedAdvisor" },
  "cloudtrail.amazonaws.com": { name: "AWSServiceRoleForCloudTrail" },
  "config.amazonaws.com": { name: "AWSServiceRoleForConfig" },
  "guardduty.amazonaws.com": { name: "AWSServiceRoleForAmazonGuardDuty" },
  "dynamodb.application-autoscaling.amazonaws.com": { name: "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable" },
  "ecs.application-autoscaling.amazonaws.com": { name: "AWSServiceRoleForApplicationAutoScaling_ECSService" },
};

/** The name of `service`'s service-linked role, with the caller's suffix when the service takes one. */
export function serviceLinkedRoleName(service: string, suffix: string | undefined): string {
  const known = KNOWN[service];
  if (suffix !== undefined && known?.suffix === false) throw IamErrors.invalidInput(`Custom suffix is not allowed for ${service}`);
  const base = known?.name ?? `AWSServiceRoleFor${service.split(".")[0]!.split("-").map((w) => w[0]!.toUpperCase() + w.slice(1)).join("")}`;
  return suffix === undefined ? base : `${base}_${suffix}`;
}
