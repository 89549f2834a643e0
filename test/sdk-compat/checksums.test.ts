import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Crc32 } from "@aws-crypto/crc32";
import { Crc32c } from "@aws-crypto/crc32c";
import { Crc64Nvme as SdkCrc64Nvme } from "@aws-sdk/crc64-nvme";
import type { ChecksumAlgorithm } from "../../sdk-compat/checksums/checksum.js";
import { CHECKSUM_ALGORITHMS, ChecksumErrors, checksumHeaderName, checksumOf, createChecksum, decodeChecksumValue, decodeContentMd5 } from "../../sdk-compat/checksums/checksum.js";
import { combineFullObjectCrc, compositeChecksum } from "../../sdk-compat/checksums/multipart-checksum.js";
import { crcCombine } from "../../sdk-compat/checksums/crc-combine.js";

const CHECK = Buffer.from("123456789");

// The standard "check" values of each algorithm over the ASCII bytes "123456789".
const VECTORS: [ChecksumAlgorithm, string][] = [
  ["CRC32", "cbf43926"],
  ["CRC32C", "e3069283"],
  ["CRC64NVME", "ae8b14860a799888"],
  ["SHA1", "f7c3bc1d808e04732adf679965ccc34ca7ae3441"],
  ["SHA256", "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"],
  ["SHA512", "d9e6762dd1c8eaf6d61b3c6192fc408d4d6d5f1176d0c29169bc24e71c3f274ad27fcd5811b313d681f7e55ec02d73d499c95455b6b5bb503acf574fba8ffe85"],
  ["MD5", "25f9e794323b453885f5181f1b624d0b"],
];

function chunked(algorithm: ChecksumAlgorithm, data: Buffer, sizes: number[]): Buffer {
  const c = createChecksum(algorithm);
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    c.update(data.subarray(offset, offset + size));
    offset += size;
  }
  return c.digest();
}

async function sdkCrc64(data: Uint8Array): Promise<Buffer> {
  const c = new SdkCrc64Nvme();
  c.update(data);
  return Buffer.from(await c.digest());
}

describe("checksums", () => {
  for (const [algorithm, hex] of VECTORS) {
    it(`${algorithm} of "123456789" is ${hex.slice(0, 16)}…`, () => {
      assert.equal(checksumOf(algorithm, CHECK).toString("hex"), hex);
      // byte at a time and in awkward splits give the same digest
      assert.equal(chunked(algorithm, CHECK, [1]).toString("hex"), hex);
      assert.equal(chunked(algorithm, CHECK, [2, 7, 0]).toString("hex"), hex);
    });
  }

  it("every algorithm is listed and names its x-amz-checksum header", () => {
    assert.deepEqual(new Set(CHECKSUM_ALGORITHMS), new Set(VECTORS.map(([a]) => a)));
    assert.equal(checksumHeaderName("CRC32"), "x-amz-checksum-crc32");
    assert.equal(checksumHeaderName("CRC64NVME"), "x-amz-checksum-crc64nvme");
    assert.equal(checksumHeaderName("SHA256"), "x-amz-checksum-sha256");
  });

  it("the CRCs of the empty body are zero (base64 AAAAAA== on the wire)", () => {
    assert.equal(checksumOf("CRC32", Buffer.alloc(0)).toString("base64"), "AAAAAA==");
    assert.equal(checksumOf("CRC32C", Buffer.alloc(0)).toString("base64"), "AAAAAA==");
    assert.equal(checksumOf("CRC64NVME", Buffer.alloc(0)).toString("base64"), "AAAAAAAAAAA=");
  });

  it("CRC64NVME matches @aws-sdk/crc64-nvme over random data at every alignment", async () => {
    const data = randomBytes(4099);
    for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 1000, 4099]) {
      const slice = data.subarray(0, length);
      assert.deepEqual(checksumOf("CRC64NVME", slice), await sdkCrc64(slice), `length ${length}`);
    }
    assert.deepEqual(chunked("CRC64NVME", data, [3, 8, 13, 1, 64]), await sdkCrc64(data));
  });

  it("CRC32C matches @aws-crypto/crc32c over random data at every alignment", () => {
    const data = randomBytes(4099);
    for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 1000, 4099]) {
      const expected = Buffer.alloc(4);
      expected.writeUInt32BE(new Crc32c().update(data.subarray(0, length)).digest());
      assert.deepEqual(checksumOf("CRC32C", data.subarray(0, length)), expected, `length ${length}`);
    }
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(new Crc32c().update(data).digest());
    assert.deepEqual(chunked("CRC32C", data, [3, 8, 13, 1, 64]), expected);
  });

  it("CRC32 matches @aws-crypto/crc32 over random data", () => {
    const data = randomBytes(10_001);
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(new Crc32().update(data).digest());
    assert.deepEqual(chunked("CRC32", data, [5, 4096, 1]), expected);
  });
});

describe("multipart checksums", () => {
  const parts = [randomBytes(5 * 1024), randomBytes(1), randomBytes(0), randomBytes(777), randomBytes(4096), randomBytes(3)];
  const whole = Buffer.concat(parts);

  for (const algorithm of ["CRC32", "CRC32C", "CRC64NVME"] as const) {
    it(`FULL_OBJECT ${algorithm} of the parts equals the ${algorithm} of the concatenation`, () => {
      const combined = combineFullObjectCrc(algorithm, parts.map((p) => ({ checksum: checksumOf(algorithm, p), length: p.length })));
      assert.equal(combined.toString("hex"), checksumOf(algorithm, whole).toString("hex"));
    });

    it(`${algorithm} combine of "12345" and "6789" gives the check value`, () => {
      const combined = crcCombine(algorithm, checksumOf(algorithm, CHECK.subarray(0, 5)), checksumOf(algorithm, CHECK.subarray(5)), 4);
      assert.equal(combined.toString("hex"), VECTORS.find(([a]) => a === algorithm)![1]);
    });
  }

  it("FULL_OBJECT combine handles large part lengths (5 GiB parts, 10,000 of them) quickly", () => {
    // x^(8·len) for big len goes through square-and-multiply; the answer must equal combining
    // a zero-filled tail directly: crc(A‖0^n) computed by streaming zeros for a moderate n.
    const n = 3 * 1024 * 1024 + 5;
    const a = randomBytes(100);
    const zeros = Buffer.alloc(n);
    for (const algorithm of ["CRC32", "CRC32C", "CRC64NVME"] as const) {
      const combined = crcCombine(algorithm, checksumOf(algorithm, a), checksumOf(algorithm, zeros), n);
      assert.deepEqual(combined, checksumOf(algorithm, Buffer.concat([a, zeros])));
    }
    const started = performance.now();
    const many = Array.from({ length: 10_000 }, (_, i) => ({ checksum: checksumOf("CRC64NVME", Buffer.from([i & 0xff])), length: i === 9_999 ? 1234 : 5 * 1024 ** 3 }));
    combineFullObjectCrc("CRC64NVME", many);
    assert.ok(performance.now() - started < 2000, "combining 10,000 parts takes under 2 s");
  });

  it("FULL_OBJECT is refused for SHA algorithms with S3's InvalidRequest", () => {
    assert.throws(() => combineFullObjectCrc("SHA256", []), (e: unknown) => (e as { code?: string }).code === "InvalidRequest");
  });

  for (const algorithm of ["CRC32", "CRC32C", "SHA1", "SHA256"] as const) {
    it(`COMPOSITE ${algorithm} is the checksum of the binary part checksums with -N`, () => {
      const partSums = parts.map((p) => checksumOf(algorithm, p));
      const value = compositeChecksum(algorithm, partSums);
      assert.match(value, /^[A-Za-z0-9+/=]+-6$/);
      const concatenated = Buffer.concat(partSums);
      assert.equal(value, `${checksumOf(algorithm, concatenated).toString("base64")}-6`);
      assert.notEqual(value.split("-")[0], checksumOf(algorithm, whole).toString("base64"), "composite is not the whole-object checksum");
    });
  }

  it("COMPOSITE of a known CRC32 pair", () => {
    // crc32("a") = e8b7be43 and crc32("b") = 71beeff9; the composite is the CRC32 of those 8 bytes
    const sums = [Buffer.from("e8b7be43", "hex"), Buffer.from("71beeff9", "hex")];
    assert.deepEqual(sums[0], checksumOf("CRC32", Buffer.from("a")));
    assert.deepEqual(sums[1], checksumOf("CRC32", Buffer.from("b")));
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(new Crc32().update(Buffer.concat(sums)).digest());
    assert.equal(compositeChecksum("CRC32", sums), `${expected.toString("base64")}-2`);
  });

  it("COMPOSITE rejects a part checksum of the wrong size", () => {
    assert.throws(() => compositeChecksum("CRC32", [Buffer.alloc(8)]), RangeError);
  });
});

describe("checksum values from clients", () => {
  it("decodes a valid base64 value of the algorithm's length", () => {
    assert.deepEqual(decodeChecksumValue("CRC32", "y/Q5Jg=="), Buffer.from("cbf43926", "hex"));
    assert.equal(decodeContentMd5(checksumOf("MD5", CHECK).toString("base64")).length, 16);
  });

  for (const [algorithm, value] of [["CRC32", "AAAAAAAAAAA="], ["CRC32", "not base64!"], ["SHA256", "y/Q5Jg=="], ["CRC64NVME", "y/Q5Jg"]] as const) {
    it(`${algorithm} value "${value}" → InvalidRequest "Value for ${checksumHeaderName(algorithm)} header is invalid."`, () => {
      assert.throws(() => decodeChecksumValue(algorithm, value), (e: unknown) => {
        assert.equal((e as { code: string }).code, "InvalidRequest");
        assert.equal((e as { message: string }).message, `Value for ${checksumHeaderName(algorithm)} header is invalid.`);
        return true;
      });
    });
  }

  it("mismatch and Content-MD5 errors use S3's codes", () => {
    assert.equal(ChecksumErrors.mismatch("CRC32C").message, "The CRC32C you specified did not match the calculated checksum.");
    assert.equal(ChecksumErrors.mismatch("CRC32C").code, "BadDigest");
    assert.throws(() => decodeContentMd5("abc"), (e: unknown) => (e as { code: string }).code === "InvalidDigest");
  });
});
