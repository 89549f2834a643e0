import { AwsChunkedDecoder } from "./chunked-decoder.js";

/**
 * The trailer fields of an aws-chunked request body, for handlers of streaming operations.
 *
 * Clients that checksum while they upload (SDK v3 and boto3 by default) send the checksum AFTER
 * the data, as a trailer (`x-amz-checksum-crc32:<base64>`) at the end of the aws-chunked body,
 * announced by the `x-amz-trailer` header, instead of as a request header. The edge decodes such
 * bodies before the handler runs, so a PutObject/UploadPart handler receives plain payload bytes in
 * `input.Body` and its `ChecksumCRC32`… members are empty. Once the handler has read the body to
 * its end, it calls:
 *
 *     const trailers = payloadTrailers(input.Body);       // after consuming the body
 *     const sent = input.ChecksumCRC32 ?? trailers?.["x-amz-checksum-crc32"];
 *
 * Returns the fields by lower-case name (without x-amz-trailer-signature), `{}` for a chunked body
 * that carried none, and undefined when the body was not aws-chunked or has not ended yet (a
 * stream that failed, or one read only partly, has no trailers to trust).
 */
export function payloadTrailers(stream: unknown): Record<string, string> | undefined {
  return stream instanceof AwsChunkedDecoder ? stream.trailers : undefined;
}
