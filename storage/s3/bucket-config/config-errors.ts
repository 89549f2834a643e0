import { ServiceError } from "../../../sdk-compat/errors/service-error.js";

const notFound = (code: string, message: string, bucket: string) => new ServiceError(code, message, { status: 404, fields: { BucketName: bucket } });

/** S3's answers for a bucket sub-resource that was never set (or was deleted), verbatim. */
export const NoSuchConfiguration = {
  cors: (bucket: string) => notFound("NoSuchCORSConfiguration", "The CORS configuration does not exist", bucket),
  website: (bucket: string) => notFound("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration", bucket),
  lifecycle: (bucket: string) => notFound("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", bucket),
  policy: (bucket: string) => notFound("NoSuchBucketPolicy", "The bucket policy does not exist", bucket),
  ownershipControls: (bucket: string) => notFound("OwnershipControlsNotFoundError", "The bucket ownership controls were not found", bucket),
  publicAccessBlock: (bucket: string) => notFound("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", bucket),
  replication: (bucket: string) => notFound("ReplicationConfigurationNotFoundError", "The replication configuration was not found", bucket),
  /** Inventory, analytics, metrics and intelligent-tiering configurations, by id. */
  byId: () => new ServiceError("NoSuchConfiguration", "The specified configuration does not exist.", { status: 404 }),
};

export const ConfigErrors = {
  malformedXml: () => new ServiceError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new ServiceError("InvalidArgument", message, { fields: name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? "" } }),
  invalidRequest: (message: string) => new ServiceError("InvalidRequest", message),
};

/** A member cloudbox reads but does not honour: refused by name rather than accepted and ignored. */
export const notHonoured = (what: string) =>
  new ServiceError("NotImplemented", `cloudbox does not implement ${what}.`, { status: 501, fault: "Receiver" });
