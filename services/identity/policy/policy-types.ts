/** The parsed form of an AWS policy document: every list-or-scalar element is a list, every key as written. */

export type Effect = "Allow" | "Deny";

/** The principal kinds a policy can name. */
export type PrincipalKind = "AWS" | "Service" | "Federated" | "CanonicalUser";

/** `"*"` (everyone, anonymous included) or the named principals of each kind. */
export type PrincipalSet = "*" | Partial<Record<PrincipalKind, string[]>>;

/** One operator applied to one condition key: true when the request's value(s) satisfy it against `values`. */
export interface ConditionClause {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** Condition keys are case-insensitive: kept lower-cased. */
  key: string;
  values: string[];
}

export interface Statement {
  sid?: string;
  effect: Effect;
  principal?: PrincipalSet;
  notPrincipal?: PrincipalSet;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  /** All must hold (AND across operators and keys). */
  conditions: ConditionClause[];
}

export interface Policy {
  /** `2012-10-17` or `2008-10-17`; absent means 2008-10-17 (no policy variables). */
  version?: string;
  id?: string;
  statements: Statement[];
}

export type Decision = "Allow" | "Deny" | "ImplicitDeny";

export interface AuthorizationRequest {
  /**
   * Who asks. `id` is the ARN for AWS principals (`arn:aws:iam::ACCT:root`, `…:user/NAME`,
   * `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`), the service name for Service principals
   * (`sns.amazonaws.com`), the provider for Federated ones; anything for Anonymous.
   */
  principal: { type: "AWS" | "Service" | "Federated" | "Anonymous"; id: string; account?: string; canonicalUser?: string };
  /** `service:Action`, e.g. `sqs:SendMessage`. */
  action: string;
  /** The resource's ARN; `*` for requests on no resource (trust policies). */
  resource: string;
  /** Condition keys of the request (`aws:SourceArn`, `aws:SourceAccount`, `sts:ExternalId`, `aws:SecureTransport`, …); names are case-insensitive. */
  context?: Record<string, string | string[] | undefined>;
}
