import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";

export interface GeneratedKey {
  keyMaterial: string;
  publicKey: string;
  fingerprint: string;
}

const sshString = (b: Buffer | string) => {
  const data = typeof b === "string" ? Buffer.from(b, "utf8") : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
};

const mpint = (b: Buffer) => sshString(b.length && (b[0]! & 0x80) ? Buffer.concat([Buffer.from([0]), b]) : b);

const colonHex = (digest: Buffer) => digest.toString("hex").match(/../g)!.join(":");

function rsaBlob(key: KeyObject): Buffer {
  const jwk = key.export({ format: "jwk" });
  return Buffer.concat([sshString("ssh-rsa"), mpint(Buffer.from(jwk.e!, "base64url")), mpint(Buffer.from(jwk.n!, "base64url"))]);
}

function ed25519Blob(publicRaw: Buffer): Buffer {
  return Buffer.concat([sshString("ssh-ed25519"), sshString(publicRaw)]);
}

/** ED25519 fingerprints are SHA-256 of the OpenSSH public key blob, base64 (EC2 keeps the padding). */
const ed25519Fingerprint = (blob: Buffer) => createHash("sha256").update(blob).digest("base64");

/**
 * An RSA 2048 key pair as EC2 creates it: the private key as PKCS#1 PEM, and the fingerprint EC2
 * gives created RSA keys, the SHA-1 of the private key in DER PKCS#8, colon-separated.
 */
export function createRsaKey(): GeneratedKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const fingerprint = colonHex(createHash("sha1").update(privateKey.export({ type: "pkcs8", format: "der" })).digest());
  return { keyMaterial: pem.trimEnd(), publicKey: `ssh-rsa ${rsaBlob(publicKey).toString("base64")}`, fingerprint };
}

/** An ED25519 key pair; the private key in OpenSSH's own format, which is what EC2 hands out for ed25519. */
export function createEd25519Key(name: string): GeneratedKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  const seed = Buffer.from(jwk.d!, "base64url");
  const pub = Buffer.from(jwk.x!, "base64url");
  const blob = ed25519Blob(pub);
  const check = randomBytes(4);
  let priv = Buffer.concat([check, check, sshString("ssh-ed25519"), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(name)]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const body = Buffer.concat([Buffer.from("openssh-key-v1\0", "latin1"), sshString("none"), sshString("none"), sshString(""), Buffer.from([0, 0, 0, 1]), sshString(blob), sshString(priv)]);
  const wrapped = body.toString("base64").match(/.{1,70}/g)!.join("\n");
  void publicKey;
  return { keyMaterial: `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrapped}\n-----END OPENSSH PRIVATE KEY-----`, publicKey: `ssh-ed25519 ${blob.toString("base64")}`, fingerprint: ed25519Fingerprint(blob) };
}

const badFormat = () => new ServiceError("InvalidKeyPair.Format", "Key is not in valid OpenSSH public key format");

function readSshString(buf: Buffer, at: number): [Buffer, number] {
  if (at + 4 > buf.length) throw badFormat();
  const len = buf.readUInt32BE(at);
  if (at + 4 + len > buf.length) throw badFormat();
  return [buf.subarray(at + 4, at + 4 + len), at + 4 + len];
}

export interface ImportedKey {
  type: "rsa" | "ed25519";
  publicKey: string;
  fingerprint: string;
}

/**
 * Reads a public key as ImportKeyPair accepts it: OpenSSH (`ssh-rsa …`, `ssh-ed25519 …`),
 * RFC 4716 (`---- BEGIN SSH2 PUBLIC KEY ----`) or PEM/DER SubjectPublicKeyInfo. Imported RSA keys
 * get the MD5 of their DER public key as fingerprint, ED25519 the SHA-256 of the OpenSSH blob.
 */
export function importPublicKey(material: Buffer): ImportedKey {
  const text = material.toString("utf8").trim();
  let blob: Buffer | undefined;
  const openssh = /^(ssh-rsa|ssh-ed25519)\s+([A-Za-z0-9+/=]+)(\s.*)?$/.exec(text);
  if (openssh) blob = Buffer.from(openssh[2]!, "base64");
  else if (text.startsWith("---- BEGIN SSH2 PUBLIC KEY ----")) {
    const body = text.split(/\r?\n/).filter((l) => !l.startsWith("----") && !/^[A-Za-z-]+:/.test(l)).join("");
    blob = Buffer.from(body, "base64");
  }
  if (blob) {
    const [kind, next] = readSshString(blob, 0);
    if (kind.toString() === "ssh-ed25519") {
      const [pub] = readSshString(blob, next);
      if (pub.length !== 32) throw badFormat();
      return { type: "ed25519", publicKey: `ssh-ed25519 ${blob.toString("base64")}`, fingerprint: ed25519Fingerprint(blob) };
    }
    if (kind.toString() !== "ssh-rsa") throw badFormat();
    const [e, afterE] = readSshString(blob, next);
    const [n] = readSshString(blob, afterE);
    const strip = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);
    let key: KeyObject;
    try {
      key = createPublicKey({ key: { kty: "RSA", e: strip(e).toString("base64url"), n: strip(n).toString("base64url") }, format: "jwk" });
    } catch {
      throw badFormat();
    }
    return rsaImported(key, blob);
  }
  let key: KeyObject;
  try {
    key = text.startsWith("-----BEGIN") ? createPublicKey(text) : createPublicKey({ key: material, format: "der", type: "spki" });
  } catch {
    throw badFormat();
  }
  if (key.asymmetricKeyType === "ed25519") {
    const b = ed25519Blob(Buffer.from(key.export({ format: "jwk" }).x!, "base64url"));
    return { type: "ed25519", publicKey: `ssh-ed25519 ${b.toString("base64")}`, fingerprint: ed25519Fingerprint(b) };
  }
  if (key.asymmetricKeyType !== "rsa") throw badFormat();
  return rsaImported(key, rsaBlob(key));
}

function rsaImported(key: KeyObject, blob: Buffer): ImportedKey {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 1024 || bits > 4096) throw new ServiceError("InvalidKeyPair.Format", `Invalid RSA key length ${bits}. Supported lengths: 1024, 2048, 4096.`);
  const fingerprint = colonHex(createHash("md5").update(key.export({ type: "spki", format: "der" })).digest());
  return { type: "rsa", publicKey: `ssh-rsa ${blob.toString("base64")}`, fingerprint };
}
