import { createPrivateKey, generateKeyPair, sign as signData } from "node:crypto";
import { promisify } from "node:util";

/**
 * SNS message signatures. AWS signs a canonical string of selected fields, each as "Name\nValue\n"
 * in a fixed order, with SHA1withRSA (SignatureVersion 1) or SHA256withRSA (2). The certificate is
 * self-signed, generated once per process on first use, and served by cloudbox's control plane at
 * the SigningCertURL, so consumers that verify signatures work offline.
 */
export interface Signer {
  certificatePem: string;
  sign(fields: Record<string, string | undefined>, version: "1" | "2"): string;
}

const NOTIFICATION_FIELDS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"];
const CONFIRMATION_FIELDS = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];

/** The string AWS signs for a message of this Type; Subject only when the notification has one. */
export function canonicalString(fields: Record<string, string | undefined>): string {
  const names = fields["Type"] === "Notification" ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = "";
  for (const name of names) {
    const value = fields[name];
    if (value === undefined) continue;
    out += `${name}\n${value}\n`;
  }
  return out;
}

let shared: Promise<Signer> | undefined;

async function createSigner(): Promise<Signer> {
  // 1024 bits, not AWS's 2048: signing every notification is the largest cost of a delivery, and a
  // local emulator's key protects nothing; verifiers check the signature the same way.
  const { privateKey, publicKey } = await promisify(generateKeyPair)("rsa", {
    modulusLength: 1024,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const notAfterDate = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  // loaded here, not at start: the certificate library costs tens of milliseconds to load
  const { generate: generateCertificate } = await import("selfsigned");
  const pems = await generateCertificate([{ name: "commonName", value: "sns.amazonaws.com" }, { name: "organizationName", value: "cloudbox" }], {
    keyPair: { privateKey, publicKey },
    algorithm: "sha256",
    notAfterDate,
  });
  // A parsed key: signing with the PEM text would parse it again on every message (about 2 ms).
  const key = createPrivateKey(privateKey);
  return {
    certificatePem: pems.cert,
    sign(fields, version) {
      // One-shot crypto.sign: createSign builds a stream object per message for nothing.
      return signData(version === "2" ? "RSA-SHA256" : "RSA-SHA1", Buffer.from(canonicalString(fields), "utf8"), key).toString("base64");
    },
  };
}

/** The process-wide signer; the key pair is made on first use (about 100 ms), never at start. */
export function signer(): Promise<Signer> {
  shared ??= createSigner().then(
    (made) => (ready = made),
    (error: unknown) => {
      shared = undefined;
      throw error;
    },
  );
  return shared;
}

let ready: Signer | undefined;

/** The signer once it exists, so deliveries after the first need no promise round trip. */
export function readySigner(): Signer | undefined {
  return ready;
}
