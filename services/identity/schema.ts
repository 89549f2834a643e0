/**
 * Identity tables (IAM and STS). IAM is global: rows are keyed by account, never by region. Names of
 * users, roles, groups, instance profiles and policies are unique regardless of case, as in IAM, and
 * found regardless of case. Migrations only ever get appended.
 */
export const IDENTITY_MIGRATIONS = [
  // Users, roles, groups and instance profiles: what each kind has of its own is in `attrs` (JSON):
  // a role's trust policy, description, maximum session duration; tags as an ordered list.
  `CREATE TABLE iam_entities (
    account TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE, id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL, created_at INTEGER NOT NULL, attrs TEXT NOT NULL,
    PRIMARY KEY (account, kind, name))`,
  `CREATE TABLE iam_group_members (account TEXT NOT NULL, group_name TEXT NOT NULL COLLATE NOCASE, user_name TEXT NOT NULL COLLATE NOCASE,
    added_seq INTEGER NOT NULL, PRIMARY KEY (account, group_name, user_name))`,
  `CREATE TABLE iam_profile_roles (account TEXT NOT NULL, profile TEXT NOT NULL COLLATE NOCASE, role TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (account, profile, role))`,
  // Inline policies of a user, group or role, and managed policies attached to them.
  `CREATE TABLE iam_inline_policies (account TEXT NOT NULL, kind TEXT NOT NULL, owner TEXT NOT NULL COLLATE NOCASE,
    policy_name TEXT NOT NULL COLLATE NOCASE, document TEXT NOT NULL, PRIMARY KEY (account, kind, owner, policy_name))`,
  `CREATE TABLE iam_attachments (account TEXT NOT NULL, kind TEXT NOT NULL, owner TEXT NOT NULL COLLATE NOCASE,
    policy_arn TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (account, kind, owner, policy_arn))`,
  "CREATE INDEX iam_attachments_policy ON iam_attachments (policy_arn)",
  // Customer managed policies; AWS managed ones are data (aws-managed-policies.ts).
  `CREATE TABLE iam_policies (arn TEXT PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE, id TEXT NOT NULL,
    path TEXT NOT NULL, description TEXT, default_version TEXT NOT NULL, next_version INTEGER NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, tags TEXT NOT NULL, UNIQUE (account, name))`,
  `CREATE TABLE iam_policy_versions (policy_arn TEXT NOT NULL, version_id TEXT NOT NULL, document TEXT NOT NULL,
    created_at INTEGER NOT NULL, PRIMARY KEY (policy_arn, version_id))`,
  `CREATE TABLE iam_access_keys (key_id TEXT PRIMARY KEY, account TEXT NOT NULL, user_name TEXT NOT NULL COLLATE NOCASE,
    secret TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL)`,
  "CREATE INDEX iam_access_keys_user ON iam_access_keys (account, user_name)",
  // Credentials STS issued: the principal they stand for and when they stop working.
  `CREATE TABLE sts_sessions (key_id TEXT PRIMARY KEY, token TEXT NOT NULL, secret TEXT NOT NULL, account TEXT NOT NULL,
    arn TEXT NOT NULL, user_id TEXT NOT NULL, kind TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
    details TEXT NOT NULL)`,
  `CREATE TABLE iam_identity_providers (arn TEXT PRIMARY KEY, account TEXT NOT NULL, kind TEXT NOT NULL,
    created_at INTEGER NOT NULL, attrs TEXT NOT NULL)`,
  "CREATE TABLE iam_account_aliases (account TEXT PRIMARY KEY, alias TEXT NOT NULL UNIQUE)",
];
