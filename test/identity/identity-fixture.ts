import type { Cloudbox } from "../../services/cloudbox.js";
import { sdkConfig } from "../support/fixture.js";

// What the identity tests share: credentials of an account's root, SDK options signed with given
// keys, and the documents (trust policies, tokens, assertions) that STS and IAM read.

export type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** A plain key whose 12-digit id makes its caller the root of that account. */
export const rootOf = (account: string): Keys => ({ accessKeyId: account, secretAccessKey: "x" });

/** SDK client options for a test cloudbox, signed with `credentials`. */
export const signedAs = (cloudbox: Cloudbox, credentials: Keys) => ({ ...sdkConfig(cloudbox), credentials });

/** The keys of STS or IAM credentials, as the SDK answers them. */
export function keysOf(credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Keys {
  return { accessKeyId: credentials!.AccessKeyId!, secretAccessKey: credentials!.SecretAccessKey!, sessionToken: credentials!.SessionToken };
}

export function trustPolicy(principal: Record<string, unknown>, action: string, condition?: Record<string, unknown>): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: action, ...(condition ? { Condition: condition } : {}) }] });
}

export const trustedBy = (principal: string, condition?: Record<string, unknown>) => trustPolicy({ AWS: principal }, "sts:AssumeRole", condition);

/** An identity policy allowing `action` on every resource. */
export const allowing = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

/** An OIDC ID token with the given claims; STS reads its claims and does not verify its signature. */
export function webToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT", kid: "test" })}.${part(claims)}.${Buffer.from("signature").toString("base64url")}`;
}

/** A base64 SAML response from `issuer` naming `subject`, with AWS's RoleSessionName attribute. */
export function samlAssertion(issuer: string, subject: string, sessionName: string, notOnOrAfter: string): string {
  const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
  <saml:Issuer>${issuer}</saml:Issuer>
  <saml:Assertion>
    <saml:Issuer>${issuer}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${subject}</saml:NameID>
      <saml:SubjectConfirmation><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="https://signin.aws.amazon.com/saml"/></saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions><saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience></saml:AudienceRestriction></saml:Conditions>
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>${sessionName}</saml:AttributeValue></saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>`;
  return Buffer.from(xml).toString("base64");
}

/** SAML metadata of an identity provider, long enough for IAM's 1000-character minimum. */
export function samlMetadata(entityId: string): string {
  const certificate = "MIIC".padEnd(1200, "A");
  return `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing">` +
    `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `</md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${entityId}/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>`;
}
