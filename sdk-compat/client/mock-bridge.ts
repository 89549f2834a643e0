import { clientConfig, type CloudboxTarget } from "./client-config.js";

/** The parts of an aws-sdk-client-mock stub the bridge uses (structural, no import of the library). */
interface SinonLikeStub {
  // Sinon types its stubs with the client's exact command types; the bridge only passes them through.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  callsFake(fn: (this: any, ...args: any[]) => unknown): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  wrappedMethod?: (...args: any[]) => unknown;
}

export interface MockLike {
  send: SinonLikeStub;
}

type ClientClass = new (config: ReturnType<typeof clientConfig>) => unknown;

/**
 * Backs an aws-sdk-client-mock stub with cloudbox: every command without a behaviour of its own
 * runs for real against cloudbox, statefully, while commands stubbed with `.on(Command)…` keep
 * their stubbed answers. Call it after `mockClient()` and again after `mock.reset()`.
 *
 *   const s3Mock = mockClient(S3Client);
 *   backWithCloudbox(s3Mock, cb);
 *   s3Mock.on(DeleteObjectCommand).rejects(new Error("denied"));
 */
export function backWithCloudbox<T extends MockLike>(mock: T, target: CloudboxTarget, options: { inProcess?: boolean } = {}): T {
  const realSend = mock.send.wrappedMethod;
  if (!realSend) throw new TypeError("backWithCloudbox: pass the stub that aws-sdk-client-mock's mockClient() returned.");
  const clients = new Map<ClientClass, unknown>();
  mock.send.callsFake(function (this: unknown, command: unknown) {
    // The mocked client's own send is the stub; a client of the same class built for cloudbox runs the original send.
    const Client = (this as { constructor: ClientClass }).constructor;
    let client = clients.get(Client);
    if (!client) {
      client = new Client(clientConfig(target, { inProcess: options.inProcess }));
      clients.set(Client, client);
    }
    return realSend.call(client, command);
  });
  return mock;
}
