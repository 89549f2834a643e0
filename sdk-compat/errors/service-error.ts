/**
 * An error a handler throws to answer with an AWS error: the AWS code verbatim, the HTTP status,
 * and whether the caller (Sender) or the service (Receiver) is at fault. Extra fields are modelled
 * error members (S3's BucketName, Key, …) serialized beside Code and Message.
 */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  readonly code: string;
  readonly status: number;
  readonly fault: "Sender" | "Receiver";
  readonly fields: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: string, message: string, options: { status?: number; fault?: "Sender" | "Receiver"; fields?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(message);
    this.code = code;
    this.status = options.status ?? 400;
    this.fault = options.fault ?? (this.status >= 500 ? "Receiver" : "Sender");
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { name?: unknown }).name === "ServiceError" && typeof (value as { code?: unknown }).code === "string";
  }
}

export function serviceError(code: string, message: string, status = 400, fields?: Record<string, unknown>): ServiceError {
  return new ServiceError(code, message, { status, fields });
}

/** Errors every protocol shares. */
export const CommonErrors = {
  notImplemented: (operation: string) =>
    new ServiceError("NotImplemented", `The operation ${operation} is not implemented by cloudbox.`, { status: 501, fault: "Receiver" }),
  /** A parameter or value cloudbox would have to ignore to accept: refused rather than silently dropped. */
  notHonoured: (what: string, why: string) =>
    new ServiceError("NotImplemented", `cloudbox does not honour ${what}: ${why}.`, { status: 501, fault: "Receiver" }),
  missingParameter: (name: string) => new ServiceError("MissingParameter", `The request must contain the parameter ${name}`),
  invalidParameterValue: (message: string) => new ServiceError("InvalidParameterValue", message),
  serialization: (message: string) => new ServiceError("SerializationException", message),
  internal: (message = "We encountered an internal error. Please try again.") =>
    new ServiceError("InternalError", message, { status: 500, fault: "Receiver" }),
};
