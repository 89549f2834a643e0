import type { WebsiteConfiguration } from "@aws-sdk/client-s3";
import { ConfigErrors } from "./config-errors.js";

const PROTOCOLS = new Set(["http", "https"]);

/** Checks a website configuration as PutBucketWebsite does. Stored only: the website endpoint is not served yet. */
export function validateWebsite(config: WebsiteConfiguration | undefined): WebsiteConfiguration {
  if (!config) throw ConfigErrors.malformedXml();
  const redirectAll = config.RedirectAllRequestsTo;
  if (redirectAll) {
    if (config.IndexDocument || config.ErrorDocument || config.RoutingRules?.length) {
      throw ConfigErrors.invalidArgument("RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.", "RedirectAllRequestsTo", "not empty");
    }
    if (!redirectAll.HostName) throw ConfigErrors.malformedXml();
    if (redirectAll.Protocol !== undefined && !PROTOCOLS.has(redirectAll.Protocol)) throw ConfigErrors.invalidArgument("Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.", "Protocol", redirectAll.Protocol);
    return config;
  }
  const suffix = config.IndexDocument?.Suffix;
  if (suffix === undefined) throw ConfigErrors.invalidArgument("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty", "IndexDocument", "null");
  if (suffix === "" || suffix.includes("/")) throw ConfigErrors.invalidArgument("The IndexDocument Suffix is not well formed", "IndexDocument", suffix);
  if (config.ErrorDocument && !config.ErrorDocument.Key) throw ConfigErrors.invalidArgument("The ErrorDocument Key is not well formed", "ErrorDocument", config.ErrorDocument.Key ?? "");
  for (const rule of config.RoutingRules ?? []) {
    const redirect = rule.Redirect;
    if (!redirect) throw ConfigErrors.malformedXml();
    if (redirect.Protocol !== undefined && !PROTOCOLS.has(redirect.Protocol)) throw ConfigErrors.invalidArgument("Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.", "Protocol", redirect.Protocol);
    if (redirect.ReplaceKeyPrefixWith !== undefined && redirect.ReplaceKeyWith !== undefined) {
      throw ConfigErrors.invalidRequest("You can only define ReplaceKeyPrefix or ReplaceKey but not both.");
    }
    const code = redirect.HttpRedirectCode;
    if (code !== undefined && !/^3\d\d$/.test(code)) throw ConfigErrors.invalidArgument("The provided HTTP redirect code (" + code + ") is not valid. Valid codes are 3XX except 300.", "HttpRedirectCode", code);
    if (code === "300") throw ConfigErrors.invalidArgument("The provided HTTP redirect code (300) is not valid. Valid codes are 3XX except 300.", "HttpRedirectCode", code);
    if (rule.Condition && rule.Condition.KeyPrefixEquals === undefined && rule.Condition.HttpErrorCodeReturnedEquals === undefined) {
      throw ConfigErrors.invalidRequest("Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.");
    }
  }
  return config;
}
