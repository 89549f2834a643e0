/** SNS ARNs: `arn:aws:sns:<region>:<account>:<topic>[:<subscription-id>]`. */
export interface TopicArnParts {
  region: string;
  account: string;
  name: string;
}

const TOPIC_ARN = /^arn:aws[\w-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;
const SUBSCRIPTION_ARN = /^(arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}):[0-9a-f-]{36}$/;

export function topicArn(region: string, account: string, name: string): string {
  return `arn:aws:sns:${region}:${account}:${name}`;
}

export function parseTopicArn(arn: string): TopicArnParts | undefined {
  const m = TOPIC_ARN.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : undefined;
}

/** The topic a subscription ARN belongs to, or undefined when it is not one. */
export function topicOfSubscription(arn: string): string | undefined {
  return SUBSCRIPTION_ARN.exec(arn)?.[1];
}

/** SQS queue ARN → its region, account and name. */
export function parseQueueArn(arn: string): { region: string; account: string; name: string } | undefined {
  const m = /^arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : undefined;
}
