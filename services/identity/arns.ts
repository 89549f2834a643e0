/** ARNs of IAM and STS principals and resources. IAM is global: no region in any of them. */
export function iamArn(account: string, type: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:${type}${path}${name}`;
}

export function rootArn(account: string): string {
  return `arn:aws:iam::${account}:root`;
}

export function assumedRoleArn(account: string, role: string, session: string): string {
  return `arn:aws:sts::${account}:assumed-role/${role}/${session}`;
}

export function federatedUserArn(account: string, name: string): string {
  return `arn:aws:sts::${account}:federated-user/${name}`;
}

/** `arn:aws:iam::ACCOUNT:role/PATH/NAME` → its account, path and name; undefined if it is no role ARN. */
export function parseRoleArn(arn: string): { account: string; path: string; name: string } | undefined {
  const m = /^arn:aws:iam::(\d{12}):role(\/(?:[\x21-\x7E]*\/)?)([\w+=,.@-]+)$/.exec(arn);
  return m ? { account: m[1]!, path: m[2]!, name: m[3]! } : undefined;
}

/** `arn:aws:iam::ACCOUNT:TYPE/PATH/NAME` of a policy or instance profile → account and name. */
export function parseIamArn(arn: string, type: string): { account: string; path: string; name: string } | undefined {
  const m = /^arn:aws:iam::(\d{12}|aws):([\w-]+)(\/(?:[\x21-\x7E]*\/)?)([\w+=,.@-]+)$/.exec(arn);
  return m && m[2] === type ? { account: m[1]!, path: m[3]!, name: m[4]! } : undefined;
}
