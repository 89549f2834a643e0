import { StsErrors } from "./errors.js";

export interface SamlAssertion {
  issuer: string;
  subject: string;
  subjectType: string;
  audience: string;
  roleSessionName: string;
  sessionDuration?: number;
}

const ROLE_SESSION_NAME = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
const SESSION_DURATION = "https://aws.amazon.com/SAML/Attributes/SessionDuration";

function element(xml: string, local: string): { attributes: string; text: string } | undefined {
  const m = new RegExp(`<(?:\\w+:)?${local}\\b([^>]*)>([\\s\\S]*?)</(?:\\w+:)?${local}>`).exec(xml);
  return m ? { attributes: m[1]!, text: m[2]!.trim() } : undefined;
}

function attributeValue(xml: string, name: string): string | undefined {
  const re = /<(?:\w+:)?Attribute\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?Attribute>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (new RegExp(`Name="${name.replace(/[.]/g, "\\.")}"`).test(m[1]!)) return element(m[2]!, "AttributeValue")?.text;
  }
  return undefined;
}

/** Reads a base64 SAML response: issuer, subject, audience and AWS's session attributes. Signatures are not checked. */
export function parseSamlAssertion(base64: string, now: number): SamlAssertion {
  const xml = Buffer.from(base64, "base64").toString("utf8");
  if (!/<(?:\w+:)?Assertion\b/.test(xml)) throw StsErrors.invalidIdentityToken("Invalid SAML response: it holds no Assertion.");
  const issuer = element(xml, "Issuer")?.text;
  const nameId = element(xml, "NameID");
  const roleSessionName = attributeValue(xml, ROLE_SESSION_NAME);
  if (!issuer || !nameId) throw StsErrors.invalidIdentityToken("Invalid SAML response: the assertion has no Issuer or NameID.");
  if (!roleSessionName) throw StsErrors.invalidIdentityToken(`Invalid SAML response: the attribute ${ROLE_SESSION_NAME} is missing.`);
  const notOnOrAfter = /NotOnOrAfter="([^"]+)"/.exec(xml)?.[1];
  if (notOnOrAfter && Date.parse(notOnOrAfter) <= now) throw StsErrors.expiredTokenException("Token expired: the SAML assertion is no longer valid (NotOnOrAfter).");
  const format = /Format="([^"]+)"/.exec(nameId.attributes)?.[1];
  const duration = attributeValue(xml, SESSION_DURATION);
  return {
    issuer,
    subject: nameId.text,
    subjectType: format?.endsWith(":transient") ? "transient" : format?.endsWith(":persistent") ? "persistent" : format ?? "persistent",
    audience: element(xml, "Audience")?.text ?? "https://signin.aws.amazon.com/saml",
    roleSessionName,
    sessionDuration: duration === undefined ? undefined : Number(duration),
  };
}
