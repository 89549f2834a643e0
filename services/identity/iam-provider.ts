import type { ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import { IdentityStore } from "./identity-store.js";
import type { IamContext } from "./iam-context.js";
import { userHandlers } from "./users.js";
import { groupHandlers } from "./groups.js";
import { roleHandlers } from "./roles.js";
import { managedPolicyHandlers } from "./managed-policies.js";
import { holderPolicyHandlers } from "./holder-policies.js";
import { instanceProfileHandlers } from "./instance-profiles.js";
import { accessKeyHandlers } from "./access-keys.js";
import { identityProviderHandlers } from "./identity-providers.js";
import { accountHandlers } from "./account.js";

/**
 * IAM management: users, groups, roles, managed and inline policies, instance profiles, access keys,
 * identity providers and the account's alias and summary. Policies are stored and validated, not
 * yet enforced on requests. The rest of IAM's operations answer NotImplemented.
 */
export function createIamProvider(env: DomainEnvironment): ServiceProvider {
  const iam: IamContext = { store: new IdentityStore(env.db), clock: env.clock };
  return {
    handlers: {
      ...userHandlers(iam),
      ...groupHandlers(iam),
      ...roleHandlers(iam),
      ...managedPolicyHandlers(iam),
      ...holderPolicyHandlers(iam),
      ...instanceProfileHandlers(iam),
      ...accessKeyHandlers(iam),
      ...identityProviderHandlers(iam),
      ...accountHandlers(iam),
    },
  };
}
