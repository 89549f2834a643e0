import type * as Sts from "@aws-sdk/client-sts";
import type { Clock } from "../../storage/state/clock.js";
import type { IdentityStore, SessionRow } from "./identity-store.js";
import { accessKeyId, secretAccessKey, sessionToken } from "./ids.js";

export interface SessionDetails {
  /** The role an assumed-role session stands for (its IAM ARN, path included). */
  roleArn?: string;
  tags?: { Key: string; Value: string }[];
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
  /** Session policies: recorded with the session; IAM identity policies are not enforced yet. */
  policy?: string;
  policyArns?: string[];
}

export interface NewSession {
  account: string;
  arn: string;
  userId: string;
  kind: SessionRow["kind"];
  durationSeconds: number;
  details: SessionDetails;
}

/** Issues STS credentials: a new ASIA key, its secret and token, remembered until they expire on the clock. */
export function issueCredentials(store: IdentityStore, clock: Clock, session: NewSession): Sts.Credentials {
  const now = clock.now();
  const row: SessionRow = {
    key_id: accessKeyId("ASIA"), token: sessionToken(), secret: secretAccessKey(), account: session.account, arn: session.arn,
    user_id: session.userId, kind: session.kind, created_at: now, expires_at: now + session.durationSeconds * 1000,
    details: JSON.stringify(session.details),
  };
  store.insertSession(row);
  return { AccessKeyId: row.key_id, SecretAccessKey: row.secret, SessionToken: row.token, Expiration: new Date(row.expires_at) };
}

export function sessionDetails(row: SessionRow): SessionDetails {
  return JSON.parse(row.details) as SessionDetails;
}
