import type * as Sts from "@aws-sdk/client-sts";
import { createHash } from "node:crypto";
import type { StsContext } from "./session-rules.js";
import { checkSessionName, findRole, packedPolicySize, roleSessionDuration, sessionExtras } from "./session-rules.js";
import { checkLength } from "./constraints.js";
import { StsErrors } from "./errors.js";
import { issueCredentials } from "./sessions.js";
import { assumedRoleArn } from "./arns.js";
import { checkTrust, notAuthorized } from "./trust.js";
import { parseJwt } from "./web-token.js";
import { parseSamlAssertion } from "./saml-assertion.js";

// Identity providers that need no OIDC provider in IAM: trust policies name them by host.
const WELL_KNOWN_ISSUERS = new Set(["accounts.google.com", "cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com"]);

/**
 * AssumeRoleWithWebIdentity and AssumeRoleWithSAML: unsigned calls whose token names the caller.
 * Tokens are parsed, not verified against their issuer; the issuer must be a provider the role's
 * account registered (or a well-known one), and the role's trust policy must allow it.
 */
export function federationHandlers({ store, clock }: StsContext) {
  return {
    AssumeRoleWithWebIdentity(input: Sts.AssumeRoleWithWebIdentityRequest): Sts.AssumeRoleWithWebIdentityResponse {
      checkSessionName("RoleSessionName", input.RoleSessionName);
      checkLength("WebIdentityToken", input.WebIdentityToken, 4, 20000);
      checkLength("ProviderId", input.ProviderId, 4, 2048);
      const extras = sessionExtras(input);
      const token = parseJwt(input.WebIdentityToken!);
      const now = clock.now();
      if (token.exp !== undefined && token.exp * 1000 <= now) {
        throw StsErrors.expiredTokenException(`Token expired: current date/time ${Math.floor(now / 1000)} must be before the expiration date/time ${token.exp}`);
      }
      const issuer = token.iss.replace(/^https:\/\//, "");
      const audiences = Array.isArray(token.aud) ? token.aud : token.aud === undefined ? [] : [token.aud];
      const role = findRole(store, input.RoleArn!);
      const federated = WELL_KNOWN_ISSUERS.has(issuer) ? issuer : `arn:aws:iam::${role?.row.account ?? "000000000000"}:oidc-provider/${issuer}`;
      if (!role) throw notAuthorized(federated, "sts:AssumeRoleWithWebIdentity", input.RoleArn!);
      if (!WELL_KNOWN_ISSUERS.has(issuer)) {
        const provider = store.provider(federated);
        if (!provider) throw StsErrors.invalidIdentityToken(`No OpenIDConnect provider found in your account for ${token.iss}`);
        const clientIds = (JSON.parse(provider.attrs) as { ClientIDList?: string[] }).ClientIDList ?? [];
        if (!audiences.some((a) => clientIds.includes(a))) throw StsErrors.invalidIdentityToken("Incorrect token audience");
      }
      checkTrust(role.attrs.AssumeRolePolicyDocument, {
        principal: { type: "Federated", id: federated },
        action: "sts:AssumeRoleWithWebIdentity",
        resource: role.arn,
        context: { [`${issuer}:aud`]: audiences, [`${issuer}:sub`]: token.sub, [`${issuer}:amr`]: token.amr, "sts:RoleSessionName": input.RoleSessionName },
      }, federated);
      const duration = roleSessionDuration(input.DurationSeconds, role.attrs, false);
      const arn = assumedRoleArn(role.row.account, role.row.name, input.RoleSessionName!);
      const userId = `${role.row.id}:${input.RoleSessionName}`;
      const Credentials = store.transaction(() => issueCredentials(store, clock, {
        account: role.row.account, arn, userId, kind: "assumed-role", durationSeconds: duration, details: { roleArn: role.arn, ...extras },
      }));
      return {
        Credentials, SubjectFromWebIdentityToken: token.sub, AssumedRoleUser: { AssumedRoleId: userId, Arn: arn },
        PackedPolicySize: packedPolicySize(extras), Provider: input.ProviderId ?? issuer, Audience: audiences[0], SourceIdentity: extras.sourceIdentity,
      };
    },

    AssumeRoleWithSAML(input: Sts.AssumeRoleWithSAMLRequest): Sts.AssumeRoleWithSAMLResponse {
      checkLength("PrincipalArn", input.PrincipalArn, 20, 2048);
      checkLength("SAMLAssertion", input.SAMLAssertion, 4, 100000);
      const extras = sessionExtras(input);
      const assertion = parseSamlAssertion(input.SAMLAssertion!, clock.now());
      const role = findRole(store, input.RoleArn!);
      if (!role) throw notAuthorized(input.PrincipalArn!, "sts:AssumeRoleWithSAML", input.RoleArn!);
      const provider = store.provider(input.PrincipalArn!);
      if (!provider || provider.kind !== "saml") throw StsErrors.invalidIdentityToken(`No SAML provider found for ${input.PrincipalArn}`);
      checkSessionName("RoleSessionName", assertion.roleSessionName);
      checkTrust(role.attrs.AssumeRolePolicyDocument, {
        principal: { type: "Federated", id: input.PrincipalArn! },
        action: "sts:AssumeRoleWithSAML",
        resource: role.arn,
        context: { "SAML:aud": assertion.audience, "SAML:sub": assertion.subject, "SAML:iss": assertion.issuer, "SAML:sub_type": assertion.subjectType },
      }, input.PrincipalArn!);
      const duration = roleSessionDuration(input.DurationSeconds ?? assertion.sessionDuration, role.attrs, false);
      const arn = assumedRoleArn(role.row.account, role.row.name, assertion.roleSessionName);
      const userId = `${role.row.id}:${assertion.roleSessionName}`;
      const Credentials = store.transaction(() => issueCredentials(store, clock, {
        account: role.row.account, arn, userId, kind: "assumed-role", durationSeconds: duration, details: { roleArn: role.arn, ...extras },
      }));
      const providerName = input.PrincipalArn!.slice(input.PrincipalArn!.indexOf("/") + 1);
      return {
        Credentials, AssumedRoleUser: { AssumedRoleId: userId, Arn: arn }, PackedPolicySize: packedPolicySize(extras),
        Subject: assertion.subject, SubjectType: assertion.subjectType, Issuer: assertion.issuer, Audience: assertion.audience,
        // As AWS computes it: base64 of SHA-1 over the issuer, the account and the provider's name.
        NameQualifier: createHash("sha1").update(`${assertion.issuer}${role.row.account}/${providerName}`).digest("base64"),
        SourceIdentity: extras.sourceIdentity,
      };
    },
  };
}
