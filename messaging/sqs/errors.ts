import { ServiceError } from "../../sdk-compat/errors/service-error.js";

/**
 * SQS errors as handlers throw them: the modelled shape name as code (the json protocol sends it as
 * __type, the query protocol and x-amzn-query-error map it to the query-era code through the
 * model patch), with AWS's message text and status.
 */
const sender = (code: string, message: string, status = 400) => new ServiceError(code, message, { status, fault: "Sender" });

export const SqsErrors = {
  queueDoesNotExist: () => sender("QueueDoesNotExist", "The specified queue does not exist."),
  queueNameExists: (attribute: string) => sender("QueueNameExists", `A queue already exists with the same name and a different value for attribute ${attribute}`),
  invalidParameterValue: (message: string) => sender("InvalidParameterValue", message),
  invalidParameter: (name: string, value: unknown, reason: string) =>
    sender("InvalidParameterValue", `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`),
  missingParameter: (name: string) => sender("MissingParameter", `The request must contain the parameter ${name}.`),
  invalidAttributeName: (name: string) => sender("InvalidAttributeName", `Unknown Attribute ${name}.`),
  invalidAttributeValue: (name: string, detail?: string) =>
    sender("InvalidAttributeValue", `Invalid value for the parameter ${name}.${detail ? ` Reason: ${detail}` : ""}`),
  invalidMessageContents: () =>
    sender("InvalidMessageContents", "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"),
  receiptHandleIsInvalid: (handle: string) => sender("ReceiptHandleIsInvalid", `The input receipt handle "${handle}" is not a valid receipt handle.`, 404),
  messageNotInflight: () => sender("MessageNotInflight", "The message referred to isn't in flight."),
  purgeQueueInProgress: (name: string) => sender("PurgeQueueInProgress", `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`, 403),
  emptyBatch: (entryName: string) => sender("EmptyBatchRequest", `There should be at least one ${entryName} in the request.`),
  tooManyEntries: (count: number) => sender("TooManyEntriesInBatchRequest", `Maximum number of entries per request are 10. You have sent ${count}.`),
  idsNotDistinct: (id: string) => sender("BatchEntryIdsNotDistinct", `Id ${id} repeated.`),
  invalidBatchEntryId: () =>
    sender("InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."),
  batchTooLong: (limit: number, size: number) => sender("BatchRequestTooLong", `Batch requests cannot be longer than ${limit} bytes. You have sent ${size} bytes.`),
  resourceNotFound: (message: string) => sender("ResourceNotFoundException", message, 404),
  unsupportedOperation: (message: string) => sender("UnsupportedOperation", message),
  overLimit: (message: string) => sender("OverLimit", message, 403),
  /**
   * AWS's answer to a caller the queue's policy does not admit, in both protocols (the json protocol's
   * x-amzn-query-error carries AccessDenied too). The action is named lower-cased, as AWS writes it.
   */
  /** A delivery (SNS fan-out) the queue's policy refuses, in the words SNS's delivery logs quote from SQS. */
  deliveryDenied: (queue: { account: string; region: string; name: string }, why: "none" | "explicit") =>
    sender("AccessDenied", `Access to the resource https://sqs.${queue.region}.amazonaws.com/${queue.account}/${queue.name} is denied${why === "explicit" ? " by an explicit deny in the queue policy" : ""}.`, 403),
  accessDenied: (callerArn: string, action: string, queueArn: string, why: "none" | "explicit") => {
    const lower = action.toLowerCase();
    const reason = why === "explicit" ? "with an explicit deny in a resource-based policy" : `because no resource-based policy allows the ${lower} action`;
    return sender("AccessDenied", `User: ${callerArn} is not authorized to perform: ${lower} on resource: ${queueArn} ${reason}`, 403);
  },
};
