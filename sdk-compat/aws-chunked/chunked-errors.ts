import { ServiceError } from "../errors/service-error.js";

/** What S3 answers when an aws-chunked body is not what it should be (all 400, all the client's fault). */
export const ChunkedErrors = {
  /** Broken framing: a bad chunk size, missing CRLF, a body that stops mid-chunk. */
  malformed: () => new ServiceError("IncompleteBody", "The request body terminated unexpectedly"),
  /** The decoded bytes do not add up to x-amz-decoded-content-length. */
  lengthMismatch: (expected: number, provided: number) =>
    new ServiceError("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header", {
      fields: { NumberBytesExpected: expected, NumberBytesProvided: provided },
    }),
  /** A trailer that is not `name:value`, or that disagrees with the x-amz-trailer header. */
  malformedTrailer: () =>
    new ServiceError("MalformedTrailerError", "The request contained trailing data that was not well-formed or did not conform to our published schema."),
  badDecodedLength: (value: string) =>
    new ServiceError("InvalidArgument", `Invalid value for x-amz-decoded-content-length: ${value}`, { fields: { ArgumentName: "x-amz-decoded-content-length", ArgumentValue: value } }),
  signatureMismatch: () =>
    new ServiceError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", { status: 403 }),
};
