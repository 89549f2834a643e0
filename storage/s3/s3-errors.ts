import { ServiceError } from "../../sdk-compat/errors/service-error.js";

/** S3's error codes, messages and statuses, verbatim; fields become elements of the error XML. */
export const S3Errors = {
  noSuchBucket: (bucket: string) => new ServiceError("NoSuchBucket", "The specified bucket does not exist", { status: 404, fields: { BucketName: bucket } }),
  noSuchKey: (key: string, headers?: Record<string, string>) => new ServiceError("NoSuchKey", "The specified key does not exist.", { status: 404, fields: { Key: key }, headers }),
  noSuchVersion: (key: string, versionId: string) =>
    new ServiceError("NoSuchVersion", "The specified version does not exist.", { status: 404, fields: { Key: key, VersionId: versionId } }),
  invalidVersionId: (versionId: string) =>
    new ServiceError("InvalidArgument", "Invalid version id specified", { fields: { ArgumentName: "versionId", ArgumentValue: versionId } }),
  methodNotAllowed: (method: string, resourceType: string, headers?: Record<string, string>) =>
    new ServiceError("MethodNotAllowed", "The specified method is not allowed against this resource.", { status: 405, fields: { Method: method, ResourceType: resourceType }, headers }),
  /** A header cloudbox does not honour: refused, never accepted and ignored. */
  headerNotImplemented: (header: string) =>
    new ServiceError("NotImplemented", "A header you provided implies functionality that is not implemented", { status: 501, fields: { Header: header } }),
  noSuchUpload: (uploadId: string) =>
    new ServiceError("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", { status: 404, fields: { UploadId: uploadId } }),
  accessDenied: (message = "Access Denied") => new ServiceError("AccessDenied", message, { status: 403 }),
  invalidBucketName: (bucket: string) => new ServiceError("InvalidBucketName", "The specified bucket is not valid.", { fields: { BucketName: bucket } }),
  bucketAlreadyExists: (bucket: string) =>
    new ServiceError("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", { status: 409, fields: { BucketName: bucket } }),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    new ServiceError("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", { status: 409, fields: { BucketName: bucket } }),
  bucketNotEmpty: (bucket: string) => new ServiceError("BucketNotEmpty", "The bucket you tried to delete is not empty", { status: 409, fields: { BucketName: bucket } }),
  illegalLocationConstraint: (constraint: string | undefined) =>
    new ServiceError("IllegalLocationConstraintException", `The ${constraint ?? "unspecified"} location constraint is incompatible for the region specific endpoint this request was sent to.`),
  invalidLocationConstraint: (constraint: string) =>
    new ServiceError("InvalidLocationConstraint", "The specified location-constraint is not valid", { fields: { LocationConstraint: constraint } }),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new ServiceError("InvalidArgument", message, { fields: name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? "" } }),
  invalidRequest: (message: string) => new ServiceError("InvalidRequest", message),
  malformedXml: () => new ServiceError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"),
  entityTooLarge: (proposed: number, max: number) =>
    new ServiceError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", { fields: { ProposedSize: proposed, MaxSizeAllowed: max } }),
  entityTooSmall: (proposed: number, min: number, partNumber: number, etag: string) =>
    new ServiceError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.", { fields: { ProposedSize: proposed, MinSizeAllowed: min, PartNumber: partNumber, ETag: etag } }),
  invalidPart: (uploadId: string, partNumber: number, etag: string) =>
    new ServiceError("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.", { fields: { UploadId: uploadId, PartNumber: partNumber, ETag: etag } }),
  invalidPartOrder: (uploadId: string) =>
    new ServiceError("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", { fields: { UploadId: uploadId } }),
  invalidRange: (requested: string, size: number) =>
    new ServiceError("InvalidRange", "The requested range is not satisfiable", { status: 416, fields: { RangeRequested: requested, ActualObjectSize: size } }),
  invalidPartNumber: () => new ServiceError("InvalidPartNumber", "The requested partnumber is not satisfiable", { status: 416 }),
  preconditionFailed: (condition: string) =>
    new ServiceError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", { status: 412, fields: { Condition: condition } }),
  notModified: (etag: string, lastModified: Date) =>
    new ServiceError("NotModified", "Not Modified", { status: 304, headers: { etag, "last-modified": lastModified.toUTCString() } }),
  badDigest: (message: string, fields: Record<string, unknown> = {}) => new ServiceError("BadDigest", message, { fields }),
  invalidDigest: (digest: string) => new ServiceError("InvalidDigest", "The Content-MD5 you specified was invalid.", { fields: { "Content-MD5": digest } }),
  keyTooLong: (size: number) => new ServiceError("KeyTooLongError", "Your key is too long", { fields: { Size: size, MaxSizeAllowed: 1024 } }),
  metadataTooLarge: (size: number) =>
    new ServiceError("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.", { fields: { Size: size, MaxSizeAllowed: 2048 } }),
  conditionalRequestConflict: () =>
    new ServiceError("ConditionalRequestConflict", "A conflicting conditional action is currently in progress against this resource. Try again.", { status: 409 }),
};
