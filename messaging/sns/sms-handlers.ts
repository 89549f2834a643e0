import type * as Sns from "@aws-sdk/client-sns";
import type { OperationContext } from "../../sdk-compat/protocol/operation-handler.js";
import type { SnsContext } from "./sns-context.js";
import { SnsErrors } from "./sns-errors.js";

const SMS_ATTRIBUTES = new Set(["MonthlySpendLimit", "DeliveryStatusIAMRole", "DeliveryStatusSuccessSamplingRate", "DefaultSenderID", "DefaultSMSType", "UsageReportS3Bucket"]);

/** Account-level SMS settings and opt-out calls; cloudbox sends no real SMS. */
export function smsHandlers(c: SnsContext) {
  const { env, store } = c;

  const handlers = {
    GetSMSAttributes(input: Sns.GetSMSAttributesInput, ctx: OperationContext): Sns.GetSMSAttributesResponse {
      const all: Record<string, string> = {};
      for (const row of store.smsAttributes.all(ctx.account, ctx.region)) all[row.name] = row.value;
      if (!input.attributes?.length) return { attributes: all };
      const out: Record<string, string> = {};
      for (const name of input.attributes) if (all[name] !== undefined) out[name] = all[name];
      return { attributes: out };
    },

    SetSMSAttributes(input: Sns.SetSMSAttributesInput, ctx: OperationContext): Sns.SetSMSAttributesResponse {
      const attributes = input.attributes ?? {};
      for (const [name, value] of Object.entries(attributes)) {
        if (!SMS_ATTRIBUTES.has(name)) throw SnsErrors.invalidParameterRaw(`${name} is not a valid attribute`);
        if (name === "DefaultSMSType" && value !== "Promotional" && value !== "Transactional") throw SnsErrors.invalidParameterRaw("DefaultSMSType is invalid");
      }
      env.db.transaction(() => {
        for (const [name, value] of Object.entries(attributes)) store.setSmsAttribute.run(ctx.account, ctx.region, name, value);
      });
      return {};
    },

    CheckIfPhoneNumberIsOptedOut(input: Sns.CheckIfPhoneNumberIsOptedOutInput): Sns.CheckIfPhoneNumberIsOptedOutResponse {
      if (!input.phoneNumber) throw SnsErrors.invalidParameter("PhoneNumber");
      return { isOptedOut: false };
    },

    ListPhoneNumbersOptedOut(): Sns.ListPhoneNumbersOptedOutResponse {
      return { phoneNumbers: [] };
    },

    OptInPhoneNumber(): Sns.OptInPhoneNumberResponse {
      return {};
    },

    // cloudbox sends no real SMS, so no account is in the SMS sandbox and it has no sandbox numbers.
    GetSMSSandboxAccountStatus(): Sns.GetSMSSandboxAccountStatusResult {
      return { IsInSandbox: false };
    },

    ListSMSSandboxPhoneNumbers(): Sns.ListSMSSandboxPhoneNumbersResult {
      return { PhoneNumbers: [] };
    },

  };
  return handlers;
}
