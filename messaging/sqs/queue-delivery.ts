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
  /** Enqueues the message; throws a ServiceError (QueueDoesNotExist, …) when it cannot. Returns the MessageId. */
  deliver(queueArn: string, message: QueueMessage): string;
}
