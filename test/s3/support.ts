import assert from "node:assert/strict";
import { S3ServiceException } from "@aws-sdk/client-s3";

/** The S3 error a call fails with, checked for its code and HTTP status. */
export async function rejectsWith(promise: Promise<unknown>, code: string | undefined, status: number): Promise<S3ServiceException> {
  let caught: unknown;
  await promise.then(() => assert.fail(`expected ${code}`), (e: unknown) => (caught = e));
  assert.ok(caught instanceof S3ServiceException, String(caught));
  // A 304 carries no body, so the SDK cannot name it: only the status is asserted then.
  if (code !== undefined) assert.equal(caught.name, code);
  assert.equal(caught.$metadata.httpStatusCode, status);
  return caught;
}
