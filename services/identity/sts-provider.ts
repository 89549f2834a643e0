import type * as Sts from "@aws-sdk/client-sts";
import type { OperationContext, ServiceProvider } from "../../sdk-compat/protocol/operation-handler.js";
import type { DomainEnvironment } from "../../storage/state/environment.js";
import { IdentityStore } from "./identity-store.js";
import { assumeRoleHandlers } from "./assume-role.js";
import { federationHandlers } from "./web-identity.js";
import { tokenHandlers } from "./session-tokens.js";
import { decodeAuthorizationMessage } from "./authorization-message.js";
import { checkLength } from "./constraints.js";
import type { CallerResolver } from "./callers.js";

/** What STS needs besides the store: how plain keys map to accounts (GetAccessKeyInfo). */
export interface StsDeps {
  callers: CallerResolver;
}

/** STS: who is calling, and credentials for roles, sessions and federated users, issued for real. */
export function createStsProvider(env: DomainEnvironment, deps: StsDeps): ServiceProvider {
  const store = new IdentityStore(env.db);
  const sts = { store, clock: env.clock };
  return {
    handlers: {
      GetCallerIdentity(_input: Sts.GetCallerIdentityRequest, ctx: OperationContext): Sts.GetCallerIdentityResponse {
        return { UserId: ctx.caller.userId, Account: ctx.caller.account, Arn: ctx.caller.arn };
      },

      GetAccessKeyInfo(input: Sts.GetAccessKeyInfoRequest): Sts.GetAccessKeyInfoResponse {
        const keyId = input.AccessKeyId!;
        checkLength("AccessKeyId", keyId, 16, 128);
        const account = store.accessKey(keyId)?.account ?? store.session(keyId)?.account ?? deps.callers.rootOf(keyId).account;
        return { Account: account };
      },

      DecodeAuthorizationMessage(input: Sts.DecodeAuthorizationMessageRequest): Sts.DecodeAuthorizationMessageResponse {
        return { DecodedMessage: decodeAuthorizationMessage(input.EncodedMessage!) };
      },

      ...assumeRoleHandlers(sts),
      ...federationHandlers(sts),
      ...tokenHandlers(sts),
    },
  };
}
