const SHAPE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** S3's general purpose bucket naming rules (docs: "Bucket naming rules"). */
export function isValidBucketName(name: string): boolean {
  if (!SHAPE.test(name)) return false;
  if (name.includes("..") || IP_ADDRESS.test(name)) return false;
  // Adjacent period and hyphen are refused too, as they cannot form a valid DNS label.
  if (name.includes(".-") || name.includes("-.")) return false;
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) return false;
  if (RESERVED_SUFFIXES.some((s) => name.endsWith(s))) return false;
  return true;
}
