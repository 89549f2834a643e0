import { CommonErrors, ServiceError } from "../../sdk-compat/errors/service-error.js";

/**
 * SNS's errors with AWS's wire codes and statuses. Most validation failures are `InvalidParameter`
 * with a message that starts "Invalid parameter: "; callers compare those texts, so they are kept verbatim.
 */
export const SnsErrors = {
  invalidParameter: (detail: string) => new ServiceError("InvalidParameter", `Invalid parameter: ${detail}`, { status: 400 }),
  /** For messages AWS sends without the "Invalid parameter: " prefix. */
  invalidParameterRaw: (message: string) => new ServiceError("InvalidParameter", message, { status: 400 }),
  parameterValueInvalid: (message: string) => new ServiceError("ParameterValueInvalid", message, { status: 400 }),
  topicNotFound: () => new ServiceError("NotFound", "Topic does not exist", { status: 404 }),
  subscriptionNotFound: () => new ServiceError("NotFound", "Subscription does not exist", { status: 404 }),
  resourceNotFound: () => new ServiceError("ResourceNotFound", "Resource does not exist", { status: 404 }),
  tagLimitExceeded: () => new ServiceError("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded", { status: 400 }),
  emptyBatch: () => new ServiceError("EmptyBatchRequest", "The batch request doesn't contain any entries.", { status: 400 }),
  tooManyEntries: () => new ServiceError("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.", { status: 400 }),
  batchIdsNotDistinct: () => new ServiceError("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.", { status: 400 }),
  invalidBatchEntryId: () => new ServiceError("InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.", { status: 400 }),
  batchTooLong: () => new ServiceError("BatchRequestTooLong", "The length of all the messages put together is more than the limit.", { status: 400 }),
  /** A parameter or attribute whose effect cloudbox does not emulate: refused rather than stored and ignored. */
  notHonoured: CommonErrors.notHonoured,
  authorization: (message: string) => new ServiceError("AuthorizationError", message, { status: 403 }),
  /** A caller the topic's policy does not admit (SNS writes the action as SNS:Name). */
  notAuthorized: (callerArn: string, action: string, resourceArn: string, why: "none" | "explicit") =>
    new ServiceError(
      "AuthorizationError",
      `User: ${callerArn} is not authorized to perform: SNS:${action} on resource: ${resourceArn} ${why === "explicit" ? "with an explicit deny in a resource-based policy" : `because no resource-based policy allows the SNS:${action} action`}`,
      { status: 403 },
    ),
};
