import type { Caller } from "../../sdk-compat/protocol/operation-handler.js";
import type { IdentityStore } from "./identity-store.js";
import type { RoleAttrs, UserAttrs } from "./entities.js";
import { attrsOf } from "./entities.js";
import { parseRoleArn } from "./arns.js";
import { sessionDetails } from "./sessions.js";

/**
 * The `aws:PrincipalTag/<key>` condition keys of a caller, as AWS fills them in: an IAM user's tags;
 * for a role session the role's tags, overridden by the session's own tags of the same key (keys
 * compare case-insensitively); nothing for an account's root or a federated session.
 */
export function principalTagKeys(store: IdentityStore, caller: Caller): Record<string, string> {
  const tags = new Map<string, { Key: string; Value: string }>();
  const add = (list: { Key?: string; Value?: string }[] | undefined) => {
    for (const tag of list ?? []) tags.set((tag.Key ?? "").toLowerCase(), { Key: tag.Key ?? "", Value: tag.Value ?? "" });
  };
  const keyId = caller.accessKeyId;
  if (keyId?.startsWith("AKIA")) {
    const key = store.accessKey(keyId);
    const user = key ? store.entity(key.account, "user", key.user_name) : undefined;
    if (user) add(attrsOf<UserAttrs>(user).Tags);
  } else if (keyId?.startsWith("ASIA")) {
    const session = store.session(keyId);
    if (session?.kind === "assumed-role") {
      const details = sessionDetails(session);
      const role = details.roleArn ? parseRoleArn(details.roleArn) : undefined;
      const row = role ? store.entity(role.account, "role", role.name) : undefined;
      if (row) add(attrsOf<RoleAttrs>(row).Tags);
      add(details.tags);
    }
  }
  return Object.fromEntries([...tags.values()].map((t) => [`aws:PrincipalTag/${t.Key}`, t.Value]));
}
