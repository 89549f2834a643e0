import type BetterSqlite3 from "better-sqlite3";
import type { Database } from "../../storage/state/database.js";
import { IDENTITY_MIGRATIONS } from "./schema.js";

export type EntityKind = "user" | "role" | "group" | "instance-profile";
/** The kinds that hold inline policies and attached managed policies. */
export type PolicyHolder = "user" | "role" | "group";

export interface EntityRow {
  account: string;
  kind: EntityKind;
  name: string;
  id: string;
  path: string;
  created_at: number;
  attrs: string;
}

export interface PolicyRow {
  arn: string;
  account: string;
  name: string;
  id: string;
  path: string;
  description: string | null;
  default_version: string;
  next_version: number;
  created_at: number;
  updated_at: number;
  tags: string;
}

export interface PolicyVersionRow {
  policy_arn: string;
  version_id: string;
  document: string;
  created_at: number;
}

export interface AccessKeyRow {
  key_id: string;
  account: string;
  user_name: string;
  secret: string;
  status: "Active" | "Inactive";
  created_at: number;
}

export interface SessionRow {
  key_id: string;
  token: string;
  secret: string;
  account: string;
  arn: string;
  user_id: string;
  kind: "assumed-role" | "session" | "federated";
  created_at: number;
  expires_at: number;
  /** JSON: the role, session tags, source identity, session policy. */
  details: string;
}

export interface ProviderRow {
  arn: string;
  account: string;
  kind: "oidc" | "saml";
  created_at: number;
  attrs: string;
}

/**
 * Reads and writes of the identity tables. Holds prepared statements only: every answer comes from
 * the database, so any number of these over one database agree (STS, IAM and the credential
 * resolver each have one).
 */
export class IdentityStore {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(readonly db: Database) {
    db.registerSchema("identity", IDENTITY_MIGRATIONS);
  }

  private stmt(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.sql.prepare(sql)));
    return statement;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  // Users, roles, groups, instance profiles.

  entity(account: string, kind: EntityKind, name: string): EntityRow | undefined {
    return this.stmt("SELECT * FROM iam_entities WHERE account = ? AND kind = ? AND name = ?").get(account, kind, name) as EntityRow | undefined;
  }

  entities(account: string, kind: EntityKind, pathPrefix = "/"): EntityRow[] {
    return this.stmt("SELECT * FROM iam_entities WHERE account = ? AND kind = ? AND substr(path, 1, length(?)) = ? ORDER BY name COLLATE NOCASE")
      .all(account, kind, pathPrefix, pathPrefix) as EntityRow[];
  }

  countEntities(account: string, kind: EntityKind): number {
    return (this.stmt("SELECT count(*) AS n FROM iam_entities WHERE account = ? AND kind = ?").get(account, kind) as { n: number }).n;
  }

  insertEntity(row: EntityRow): void {
    this.stmt("INSERT INTO iam_entities (account, kind, name, id, path, created_at, attrs) VALUES (@account, @kind, @name, @id, @path, @created_at, @attrs)").run(row);
  }

  updateEntity(account: string, kind: EntityKind, name: string, change: { name?: string; path?: string; attrs?: string }): void {
    this.stmt("UPDATE iam_entities SET name = coalesce(?, name), path = coalesce(?, path), attrs = coalesce(?, attrs) WHERE account = ? AND kind = ? AND name = ?")
      .run(change.name ?? null, change.path ?? null, change.attrs ?? null, account, kind, name);
  }

  /** A renamed user or group keeps its policies, attachments, memberships and keys. */
  renameHolder(account: string, kind: "user" | "group", from: string, to: string): void {
    this.stmt("UPDATE iam_inline_policies SET owner = ? WHERE account = ? AND kind = ? AND owner = ?").run(to, account, kind, from);
    this.stmt("UPDATE iam_attachments SET owner = ? WHERE account = ? AND kind = ? AND owner = ?").run(to, account, kind, from);
    if (kind === "user") {
      this.stmt("UPDATE iam_group_members SET user_name = ? WHERE account = ? AND user_name = ?").run(to, account, from);
      this.stmt("UPDATE iam_access_keys SET user_name = ? WHERE account = ? AND user_name = ?").run(to, account, from);
    } else {
      this.stmt("UPDATE iam_group_members SET group_name = ? WHERE account = ? AND group_name = ?").run(to, account, from);
    }
  }

  deleteEntity(account: string, kind: EntityKind, name: string): void {
    this.stmt("DELETE FROM iam_entities WHERE account = ? AND kind = ? AND name = ?").run(account, kind, name);
  }

  // Inline policies.

  inlinePolicy(account: string, kind: PolicyHolder, owner: string, policyName: string): { policy_name: string; document: string } | undefined {
    return this.stmt("SELECT policy_name, document FROM iam_inline_policies WHERE account = ? AND kind = ? AND owner = ? AND policy_name = ?")
      .get(account, kind, owner, policyName) as { policy_name: string; document: string } | undefined;
  }

  inlinePolicyNames(account: string, kind: PolicyHolder, owner: string): string[] {
    return (this.stmt("SELECT policy_name FROM iam_inline_policies WHERE account = ? AND kind = ? AND owner = ? ORDER BY policy_name COLLATE NOCASE")
      .all(account, kind, owner) as { policy_name: string }[]).map((r) => r.policy_name);
  }

  putInlinePolicy(account: string, kind: PolicyHolder, owner: string, policyName: string, document: string): void {
    this.stmt(`INSERT INTO iam_inline_policies (account, kind, owner, policy_name, document) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (account, kind, owner, policy_name) DO UPDATE SET document = excluded.document`).run(account, kind, owner, policyName, document);
  }

  deleteInlinePolicy(account: string, kind: PolicyHolder, owner: string, policyName: string): number {
    return this.stmt("DELETE FROM iam_inline_policies WHERE account = ? AND kind = ? AND owner = ? AND policy_name = ?").run(account, kind, owner, policyName).changes;
  }

  // Managed policies attached to users, groups and roles.

  attachedPolicies(account: string, kind: PolicyHolder, owner: string): string[] {
    return (this.stmt("SELECT policy_arn FROM iam_attachments WHERE account = ? AND kind = ? AND owner = ? ORDER BY seq")
      .all(account, kind, owner) as { policy_arn: string }[]).map((r) => r.policy_arn);
  }

  attach(account: string, kind: PolicyHolder, owner: string, policyArn: string): void {
    this.stmt(`INSERT INTO iam_attachments (account, kind, owner, policy_arn, seq)
      VALUES (?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM iam_attachments)) ON CONFLICT DO NOTHING`).run(account, kind, owner, policyArn);
  }

  detach(account: string, kind: PolicyHolder, owner: string, policyArn: string): number {
    return this.stmt("DELETE FROM iam_attachments WHERE account = ? AND kind = ? AND owner = ? AND policy_arn = ?").run(account, kind, owner, policyArn).changes;
  }

  /** Who a managed policy is attached to, in the given account (AWS managed policies are attached in many). */
  policyAttachments(account: string, policyArn: string): { kind: PolicyHolder; owner: string }[] {
    return this.stmt("SELECT kind, owner FROM iam_attachments WHERE account = ? AND policy_arn = ? ORDER BY owner COLLATE NOCASE").all(account, policyArn) as { kind: PolicyHolder; owner: string }[];
  }

  // Group membership.

  groupMembers(account: string, group: string): string[] {
    return (this.stmt("SELECT user_name FROM iam_group_members WHERE account = ? AND group_name = ? ORDER BY added_seq").all(account, group) as { user_name: string }[]).map((r) => r.user_name);
  }

  groupsOfUser(account: string, user: string): string[] {
    return (this.stmt("SELECT group_name FROM iam_group_members WHERE account = ? AND user_name = ? ORDER BY group_name COLLATE NOCASE").all(account, user) as { group_name: string }[]).map((r) => r.group_name);
  }

  addToGroup(account: string, group: string, user: string): void {
    this.stmt(`INSERT INTO iam_group_members (account, group_name, user_name, added_seq)
      VALUES (?, ?, ?, (SELECT coalesce(max(added_seq), 0) + 1 FROM iam_group_members)) ON CONFLICT DO NOTHING`).run(account, group, user);
  }

  removeFromGroup(account: string, group: string, user: string): number {
    return this.stmt("DELETE FROM iam_group_members WHERE account = ? AND group_name = ? AND user_name = ?").run(account, group, user).changes;
  }

  // Instance profiles' roles.

  profileRoles(account: string, profile: string): string[] {
    return (this.stmt("SELECT role FROM iam_profile_roles WHERE account = ? AND profile = ?").all(account, profile) as { role: string }[]).map((r) => r.role);
  }

  profilesOfRole(account: string, role: string): string[] {
    return (this.stmt("SELECT profile FROM iam_profile_roles WHERE account = ? AND role = ? ORDER BY profile COLLATE NOCASE").all(account, role) as { profile: string }[]).map((r) => r.profile);
  }

  addProfileRole(account: string, profile: string, role: string): void {
    this.stmt("INSERT INTO iam_profile_roles (account, profile, role) VALUES (?, ?, ?)").run(account, profile, role);
  }

  removeProfileRole(account: string, profile: string, role: string): number {
    return this.stmt("DELETE FROM iam_profile_roles WHERE account = ? AND profile = ? AND role = ?").run(account, profile, role).changes;
  }

  // Customer managed policies and their versions.

  policy(arn: string): PolicyRow | undefined {
    return this.stmt("SELECT * FROM iam_policies WHERE arn = ?").get(arn) as PolicyRow | undefined;
  }

  policyByName(account: string, name: string): PolicyRow | undefined {
    return this.stmt("SELECT * FROM iam_policies WHERE account = ? AND name = ?").get(account, name) as PolicyRow | undefined;
  }

  policies(account: string): PolicyRow[] {
    return this.stmt("SELECT * FROM iam_policies WHERE account = ? ORDER BY name COLLATE NOCASE").all(account) as PolicyRow[];
  }

  insertPolicy(row: PolicyRow): void {
    this.stmt(`INSERT INTO iam_policies (arn, account, name, id, path, description, default_version, next_version, created_at, updated_at, tags)
      VALUES (@arn, @account, @name, @id, @path, @description, @default_version, @next_version, @created_at, @updated_at, @tags)`).run(row);
  }

  updatePolicy(arn: string, change: { default_version?: string; next_version?: number; updated_at?: number; tags?: string }): void {
    this.stmt(`UPDATE iam_policies SET default_version = coalesce(?, default_version), next_version = coalesce(?, next_version),
      updated_at = coalesce(?, updated_at), tags = coalesce(?, tags) WHERE arn = ?`)
      .run(change.default_version ?? null, change.next_version ?? null, change.updated_at ?? null, change.tags ?? null, arn);
  }

  deletePolicy(arn: string): void {
    this.stmt("DELETE FROM iam_policy_versions WHERE policy_arn = ?").run(arn);
    this.stmt("DELETE FROM iam_policies WHERE arn = ?").run(arn);
  }

  policyVersion(arn: string, versionId: string): PolicyVersionRow | undefined {
    return this.stmt("SELECT * FROM iam_policy_versions WHERE policy_arn = ? AND version_id = ?").get(arn, versionId) as PolicyVersionRow | undefined;
  }

  policyVersions(arn: string): PolicyVersionRow[] {
    return this.stmt("SELECT * FROM iam_policy_versions WHERE policy_arn = ? ORDER BY created_at DESC, CAST(substr(version_id, 2) AS INTEGER) DESC").all(arn) as PolicyVersionRow[];
  }

  insertPolicyVersion(row: PolicyVersionRow): void {
    this.stmt("INSERT INTO iam_policy_versions (policy_arn, version_id, document, created_at) VALUES (@policy_arn, @version_id, @document, @created_at)").run(row);
  }

  deletePolicyVersion(arn: string, versionId: string): void {
    this.stmt("DELETE FROM iam_policy_versions WHERE policy_arn = ? AND version_id = ?").run(arn, versionId);
  }

  // Access keys of IAM users.

  accessKey(keyId: string): AccessKeyRow | undefined {
    return this.stmt("SELECT * FROM iam_access_keys WHERE key_id = ?").get(keyId) as AccessKeyRow | undefined;
  }

  accessKeysOf(account: string, user: string): AccessKeyRow[] {
    return this.stmt("SELECT * FROM iam_access_keys WHERE account = ? AND user_name = ? ORDER BY created_at, key_id").all(account, user) as AccessKeyRow[];
  }

  countAccessKeys(account: string): number {
    return (this.stmt("SELECT count(*) AS n FROM iam_access_keys WHERE account = ?").get(account) as { n: number }).n;
  }

  insertAccessKey(row: AccessKeyRow): void {
    this.stmt("INSERT INTO iam_access_keys (key_id, account, user_name, secret, status, created_at) VALUES (@key_id, @account, @user_name, @secret, @status, @created_at)").run(row);
  }

  setAccessKeyStatus(keyId: string, status: string): void {
    this.stmt("UPDATE iam_access_keys SET status = ? WHERE key_id = ?").run(status, keyId);
  }

  deleteAccessKey(keyId: string): void {
    this.stmt("DELETE FROM iam_access_keys WHERE key_id = ?").run(keyId);
  }

  // STS sessions.

  session(keyId: string): SessionRow | undefined {
    return this.stmt("SELECT * FROM sts_sessions WHERE key_id = ?").get(keyId) as SessionRow | undefined;
  }

  insertSession(row: SessionRow): void {
    this.stmt(`INSERT INTO sts_sessions (key_id, token, secret, account, arn, user_id, kind, created_at, expires_at, details)
      VALUES (@key_id, @token, @secret, @account, @arn, @user_id, @kind, @created_at, @expires_at, @details)`).run(row);
  }

  // OpenID Connect and SAML providers.

  provider(arn: string): ProviderRow | undefined {
    return this.stmt("SELECT * FROM iam_identity_providers WHERE arn = ?").get(arn) as ProviderRow | undefined;
  }

  providers(account: string, kind: ProviderRow["kind"]): ProviderRow[] {
    return this.stmt("SELECT * FROM iam_identity_providers WHERE account = ? AND kind = ? ORDER BY arn").all(account, kind) as ProviderRow[];
  }

  insertProvider(row: ProviderRow): void {
    this.stmt("INSERT INTO iam_identity_providers (arn, account, kind, created_at, attrs) VALUES (@arn, @account, @kind, @created_at, @attrs)").run(row);
  }

  updateProvider(arn: string, attrs: string): void {
    this.stmt("UPDATE iam_identity_providers SET attrs = ? WHERE arn = ?").run(attrs, arn);
  }

  deleteProvider(arn: string): void {
    this.stmt("DELETE FROM iam_identity_providers WHERE arn = ?").run(arn);
  }

  // Account aliases (one per account, unique across accounts).

  accountAlias(account: string): string | undefined {
    return (this.stmt("SELECT alias FROM iam_account_aliases WHERE account = ?").get(account) as { alias: string } | undefined)?.alias;
  }

  aliasOwner(alias: string): string | undefined {
    return (this.stmt("SELECT account FROM iam_account_aliases WHERE alias = ?").get(alias) as { account: string } | undefined)?.account;
  }

  setAccountAlias(account: string, alias: string): void {
    this.stmt("INSERT INTO iam_account_aliases (account, alias) VALUES (?, ?) ON CONFLICT (account) DO UPDATE SET alias = excluded.alias").run(account, alias);
  }

  deleteAccountAlias(account: string): number {
    return this.stmt("DELETE FROM iam_account_aliases WHERE account = ?").run(account).changes;
  }

  /** Counts for GetAccountSummary that no other method gives. */
  count(sql: string, ...params: unknown[]): number {
    return (this.stmt(sql).get(...params) as { n: number }).n;
  }
}
