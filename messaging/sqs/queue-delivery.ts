import type { DeliverySource } from "./queue-access.js";

export type { DeliverySource };

/**
 * The narrow interface SQS offers other modules (SNS fan-out, S3 event notifications): put one
 * message on a queue named by its ARN, as SendMessage would, without going through HTTP.
 */
export interface QueueMessage {
  body: string;
  /** Message attributes as SendMessage takes them. */
  attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>;
  /** FIFO queues only. */
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

export interface QueueDelivery {
  /**
   * Enqueues the message; throws a ServiceError (QueueDoesNotExist, AccessDenied, …) when it cannot.
   * Returns the MessageId. With a `source` (the delivering service, the resource the message comes
   * from and its account), the queue's policy decides as on AWS: a queue of another account takes the
   * message only when its policy lets that service send for that resource, or lets its account send.
   */
  deliver(queueArn: string, message: QueueMessage, source?: DeliverySource): string;
}
