import type { NoOutput } from "./iam-context.js";
import type * as Iam from "@aws-sdk/client-iam";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { IamContext } from "./iam-context.js";
import { page } from "./iam-context.js";
import { checkLength, checkPattern } from "./constraints.js";
import { IamErrors } from "./errors.js";

/** Account-wide IAM: the alias (one per account, unique across accounts) and the summary of usage and quotas. */
export function accountHandlers({ store }: IamContext) {
  return {
    ListAccountAliases(input: Iam.ListAccountAliasesRequest, ctx: OperationContext): Iam.ListAccountAliasesResponse {
      const alias = store.accountAlias(ctx.account);
      const { items, IsTruncated, Marker } = page(alias ? [alias] : [], input);
      return { AccountAliases: items, IsTruncated, Marker };
    },

    CreateAccountAlias(input: Iam.CreateAccountAliasRequest, ctx: OperationContext): NoOutput {
      checkLength("AccountAlias", input.AccountAlias, 3, 63);
      checkPattern("AccountAlias", input.AccountAlias, /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/, "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$");
      store.transaction(() => {
        const owner = store.aliasOwner(input.AccountAlias!);
        if (owner !== undefined && owner !== ctx.account) throw IamErrors.entityAlreadyExists(`The account alias ${input.AccountAlias} already exists.`);
        store.setAccountAlias(ctx.account, input.AccountAlias!);
      });
      return {};
    },

    DeleteAccountAlias(input: Iam.DeleteAccountAliasRequest, ctx: OperationContext): NoOutput {
      store.transaction(() => {
        if (store.accountAlias(ctx.account) !== input.AccountAlias) throw IamErrors.noSuchEntity(`The account alias ${input.AccountAlias} cannot be found.`);
        store.deleteAccountAlias(ctx.account);
      });
      return {};
    },

    GetAccountSummary(_input: unknown, ctx: OperationContext): Iam.GetAccountSummaryResponse {
      const a = ctx.account;
      const versions = store.count("SELECT count(*) AS n FROM iam_policy_versions v JOIN iam_policies p ON p.arn = v.policy_arn WHERE p.account = ?", a);
      const providers = store.count("SELECT count(*) AS n FROM iam_identity_providers WHERE account = ?", a);
      return {
        SummaryMap: {
          Users: store.countEntities(a, "user"), UsersQuota: 5000,
          Groups: store.countEntities(a, "group"), GroupsQuota: 300,
          Roles: store.countEntities(a, "role"), RolesQuota: 1000,
          InstanceProfiles: store.countEntities(a, "instance-profile"), InstanceProfilesQuota: 1000,
          Policies: store.count("SELECT count(*) AS n FROM iam_policies WHERE account = ?", a), PoliciesQuota: 1500,
          PolicyVersionsInUse: versions, PolicyVersionsInUseQuota: 10000, VersionsPerPolicyQuota: 5,
          Providers: providers,
          AccessKeysPerUserQuota: 2, AccountAccessKeysPresent: 0, AccountMFAEnabled: 0, AccountSigningCertificatesPresent: 0,
          AttachedPoliciesPerGroupQuota: 10, AttachedPoliciesPerRoleQuota: 10, AttachedPoliciesPerUserQuota: 10,
          GroupPolicySizeQuota: 5120, GroupsPerUserQuota: 10, MFADevices: 0, MFADevicesInUse: 0, PolicySizeQuota: 6144,
          RolePolicySizeQuota: 10240, ServerCertificates: 0, ServerCertificatesQuota: 20, SigningCertificatesPerUserQuota: 2,
          UserPolicySizeQuota: 2048, AssumeRolePolicySizeQuota: 2048, GlobalEndpointTokenVersion: 1,
        },
      };
    },
  };
}
