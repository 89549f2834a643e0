import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { S3Client, CreateBucketCommand, PutBucketCorsCommand, PutObjectCommand, DeleteBucketCorsCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { request } from "node:http";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

/** A browser's preflight: OPTIONS with the Origin and the method and headers it is about to use. */
function preflight(url: string, origin: string, method: string, headers?: string) {
  const h: Record<string, string> = { origin, "access-control-request-method": method };
  if (headers) h["access-control-request-headers"] = headers;
  return fetch(url, { method: "OPTIONS", headers: h });
}

describe("S3 CORS at the edge (preflight and response headers)", () => {
  let cb: Cloudbox;
  let s3: S3Client;
  const Bucket = "cors-edge";
  before(async () => {
    cb = await startTestCloudbox();
    s3 = new S3Client(sdkConfig(cb));
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: "page.txt", Body: "hello browser" }));
  });
  after(async () => {
    s3.destroy();
    await cb.stop();
  });

  it("refuses preflights of a bucket without CORS, and malformed ones", async () => {
    const none = await preflight(`${cb.endpoint}/${Bucket}/page.txt`, "http://app.example.com", "GET");
    assert.equal(none.status, 403);
    const text = await none.text();
    assert.match(text, /<Code>AccessForbidden<\/Code><Message>CORSResponse: CORS is not enabled for this bucket.<\/Message><Method>GET<\/Method><ResourceType>OBJECT<\/ResourceType>/);
    const noOrigin = await fetch(`${cb.endpoint}/${Bucket}/page.txt`, { method: "OPTIONS", headers: { "access-control-request-method": "GET" } });
    assert.equal(noOrigin.status, 400);
    assert.match(await noOrigin.text(), /Insufficient information. Origin request header needed./);
  });

  it("answers preflights from the rules: origin wildcards, methods, headers, max age, exposed headers", async () => {
    await s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: [
      { AllowedOrigins: ["http://*.example.com"], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["content-type", "x-amz-*"], ExposeHeaders: ["ETag", "x-amz-request-id"], MaxAgeSeconds: 3000 },
      { AllowedOrigins: ["*"], AllowedMethods: ["GET"] },
    ] } }));
    const ok = await preflight(`${cb.endpoint}/${Bucket}/upload.txt`, "http://app.example.com", "PUT", "Content-Type, X-Amz-Date");
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("access-control-allow-origin"), "http://app.example.com");
    assert.equal(ok.headers.get("access-control-allow-methods"), "GET, PUT");
    assert.equal(ok.headers.get("access-control-allow-headers"), "content-type, x-amz-date");
    assert.equal(ok.headers.get("access-control-max-age"), "3000");
    assert.equal(ok.headers.get("access-control-expose-headers"), "ETag, x-amz-request-id");
    assert.equal(ok.headers.get("access-control-allow-credentials"), "true");
    // Any origin may GET (second rule, answered with *), but not PUT, nor send headers no rule allows.
    const anyGet = await preflight(`${cb.endpoint}/${Bucket}/page.txt`, "http://elsewhere.test", "GET");
    assert.equal(anyGet.status, 200);
    assert.equal(anyGet.headers.get("access-control-allow-origin"), "*");
    assert.equal((await preflight(`${cb.endpoint}/${Bucket}/page.txt`, "http://elsewhere.test", "PUT")).status, 403);
    const header = await preflight(`${cb.endpoint}/${Bucket}/page.txt`, "http://app.example.com", "PUT", "x-custom");
    assert.equal(header.status, 403);
    assert.match(await header.text(), /CORSResponse: This CORS request is not allowed/);
    // Virtual-host addressing finds the same bucket.
    const vhost = await new Promise<number>((resolve, reject) => {
      const req = request(`${cb.endpoint}/page.txt`, { method: "OPTIONS", headers: { host: `${Bucket}.localhost:${cb.port}`, origin: "http://app.example.com", "access-control-request-method": "GET" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(vhost, 200);
  });

  it("puts CORS headers on actual answers, errors included, and a presigned PUT and GET work cross-origin", async () => {
    const origin = "http://app.example.com";
    // A page signs no checksum into its upload URL.
    const signer = new S3Client({ ...sdkConfig(cb), requestChecksumCalculation: "WHEN_REQUIRED" });
    const url = await getSignedUrl(signer, new PutObjectCommand({ Bucket, Key: "from-browser.txt" }), { expiresIn: 60 });
    signer.destroy();
    const put = await fetch(url, { method: "PUT", body: "uploaded", headers: { origin } });
    assert.equal(put.status, 200, await put.clone().text());
    assert.equal(put.headers.get("access-control-allow-origin"), origin);
    assert.equal(put.headers.get("access-control-expose-headers"), "ETag, x-amz-request-id");
    const get = await fetch(`${cb.endpoint}/${Bucket}/from-browser.txt`, { headers: { origin } });
    assert.equal(await get.text(), "uploaded");
    assert.equal(get.headers.get("access-control-allow-origin"), origin);
    const missing = await fetch(`${cb.endpoint}/${Bucket}/absent.txt`, { headers: { origin } });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("access-control-allow-origin"), origin);
    // No Origin, no CORS headers; an origin no rule allows gets none either.
    assert.equal((await fetch(`${cb.endpoint}/${Bucket}/page.txt`)).headers.get("access-control-allow-origin"), null);
    await s3.send(new DeleteBucketCorsCommand({ Bucket }));
    assert.equal((await fetch(`${cb.endpoint}/${Bucket}/page.txt`, { headers: { origin } })).headers.get("access-control-allow-origin"), null);
  });
});
