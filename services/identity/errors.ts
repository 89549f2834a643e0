import { CommonErrors, ServiceError } from "../../sdk-compat/errors/service-error.js";

/** IAM's errors: the wire codes and statuses of its model (NoSuchEntity 404, EntityAlreadyExists 409, …). */
export const IamErrors = {
  noSuchEntity: (message: string) => new ServiceError("NoSuchEntity", message, { status: 404 }),
  entityAlreadyExists: (message: string) => new ServiceError("EntityAlreadyExists", message, { status: 409 }),
  malformedPolicyDocument: (message: string) => new ServiceError("MalformedPolicyDocument", message, { status: 400 }),
  limitExceeded: (message: string) => new ServiceError("LimitExceeded", message, { status: 409 }),
  deleteConflict: (message: string) => new ServiceError("DeleteConflict", message, { status: 409 }),
  invalidInput: (message: string) => new ServiceError("InvalidInput", message, { status: 400 }),
  unmodifiable: (message: string) => new ServiceError("UnmodifiableEntity", message, { status: 400 }),
  policyNotAttachable: (message: string) => new ServiceError("PolicyNotAttachable", message, { status: 400 }),
};

/** The Coral-style validation error IAM and STS answer for a member outside its model constraints. */
export function validationError(message: string): ServiceError {
  return new ServiceError("ValidationError", message, { status: 400 });
}

export const StsErrors = {
  accessDenied: (message: string) => new ServiceError("AccessDenied", message, { status: 403 }),
  invalidIdentityToken: (message: string) => new ServiceError("InvalidIdentityToken", message, { status: 400 }),
  expiredTokenException: (message: string) => new ServiceError("ExpiredTokenException", message, { status: 400 }),
  idpRejectedClaim: (message: string) => new ServiceError("IDPRejectedClaim", message, { status: 403 }),
  invalidAuthorizationMessage: (message: string) => new ServiceError("InvalidAuthorizationMessageException", message, { status: 400 }),
  malformedPolicyDocument: (message: string) => new ServiceError("MalformedPolicyDocument", message, { status: 400 }),
};

/** A parameter of STS or IAM that cloudbox does not honour: refused (501), never ignored. */
export function refuseUnhonoured(input: Record<string, unknown>, members: string[]): void {
  for (const member of members) if (input[member] !== undefined) throw CommonErrors.notImplemented(`the ${member} parameter`);
}
