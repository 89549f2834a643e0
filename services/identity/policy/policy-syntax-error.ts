/**
 * A policy document that is not valid AWS policy language. The message says what is wrong in the words
 * AWS's MalformedPolicy answers use ("Policy has invalid action", "Invalid principal in policy", …); each
 * service maps it to its own error code (S3 MalformedPolicy, SQS InvalidAttributeValue, SNS InvalidParameter).
 */
export class PolicySyntaxError extends Error {
  override readonly name = "PolicySyntaxError";
}
