import type { Caller } from "../../sdk-compat/protocol/operation-handler.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import type { Clock } from "../../storage/state/clock.js";
import type { IdentityStore } from "./identity-store.js";
import { iamArn, rootArn } from "./arns.js";

export const DEFAULT_ACCOUNT_ID = "000000000000";

// How each service says that credentials do not authenticate: S3 and EC2 have codes of their own,
// the others answer as STS does.
function invalidToken(service: string): ServiceError {
  if (service === "s3") return new ServiceError("InvalidToken", "The provided token is malformed or otherwise invalid.", { status: 400 });
  if (service === "ec2") return new ServiceError("AuthFailure", "AWS was not able to validate the provided access credentials", { status: 401 });
  return new ServiceError("InvalidClientTokenId", "The security token included in the request is invalid.", { status: 403 });
}

function expiredToken(service: string): ServiceError {
  const message = service === "s3" ? "The provided token has expired." : "The security token included in the request is expired";
  return new ServiceError("ExpiredToken", message, { status: 400 });
}

function inactiveKey(service: string): ServiceError {
  if (service === "s3") return new ServiceError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", { status: 403 });
  return invalidToken(service);
}

/**
 * Who the credentials of a request stand for, read from the identity store on every request.
 * An IAM user's access key is that user; STS credentials (an ASIA key and its session token) are
 * the session's principal until they expire; any other key is the root of its account: a 12-digit
 * key id names the account, anything else is the default account.
 */
export class CallerResolver {
  constructor(
    private readonly store: IdentityStore,
    private readonly clock: Clock,
    readonly defaultAccount: string = DEFAULT_ACCOUNT_ID,
  ) {}

  /** `service` is the signing name of the request, for the error it answers with. */
  resolve(accessKeyId: string | undefined, sessionToken: string | undefined, service: string): Caller {
    if (accessKeyId !== undefined && accessKeyId.length === 20) {
      if (accessKeyId.startsWith("ASIA")) {
        const session = this.store.session(accessKeyId);
        if (session) {
          if (sessionToken !== session.token) throw invalidToken(service);
          if (this.clock.now() >= session.expires_at) throw expiredToken(service);
          return { account: session.account, arn: session.arn, userId: session.user_id, accessKeyId };
        }
        // STS credentials cloudbox never issued cannot stand for anyone.
        if (sessionToken !== undefined) throw invalidToken(service);
      } else if (accessKeyId.startsWith("AKIA")) {
        const key = this.store.accessKey(accessKeyId);
        if (key) {
          if (key.status !== "Active") throw inactiveKey(service);
          const user = this.store.entity(key.account, "user", key.user_name);
          if (user) return { account: key.account, arn: iamArn(key.account, "user", user.path, user.name), userId: user.id, accessKeyId };
        }
      }
    }
    return this.rootOf(accessKeyId);
  }

  rootOf(accessKeyId: string | undefined): Caller {
    const account = accessKeyId && /^\d{12}$/.test(accessKeyId) ? accessKeyId : this.defaultAccount;
    return { account, arn: rootArn(account), userId: account, accessKeyId };
  }

  /** The secret of a key IAM or STS issued (strict SigV4 checks signatures with it); undefined for any other. */
  secretFor(accessKeyId: string): string | undefined {
    if (accessKeyId.startsWith("ASIA")) return this.store.session(accessKeyId)?.secret;
    return this.store.accessKey(accessKeyId)?.secret;
  }
}
