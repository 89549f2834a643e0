import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createVerify, X509Certificate } from "node:crypto";
import {
  SNSClient,
  CreateTopicCommand,
  SubscribeCommand,
  ConfirmSubscriptionCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  SetSubscriptionAttributesCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  NotFoundException,
} from "@aws-sdk/client-sns";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A subscriber endpoint: records every POST and answers with the next status in `statuses` (200 after). */
class Endpoint {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private waiters: (() => void)[] = [];
  private server!: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (body += c));
      req.on("end", () => {
        this.received.push({ headers: req.headers, body });
        res.statusCode = this.statuses.shift() ?? 200;
        res.end();
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async next(count: number): Promise<Received> {
    const deadline = Date.now() + 5000;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} requests, got ${this.received.length}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.received[count - 1]!;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** AWS's documented verification: fetch the certificate, rebuild the string to sign, check the signature. */
async function verifySignature(message: Record<string, string>): Promise<boolean> {
  const pem = await (await fetch(message["SigningCertURL"]!)).text();
  const fields =
    message["Type"] === "Notification"
      ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
      : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  let canonical = "";
  for (const f of fields) if (message[f] !== undefined) canonical += `${f}\n${message[f]}\n`;
  const algorithm = message["SignatureVersion"] === "2" ? "RSA-SHA256" : "RSA-SHA1";
  const certificate = new X509Certificate(pem);
  return createVerify(algorithm).update(canonical, "utf8").verify(certificate.publicKey, message["Signature"]!, "base64");
}

describe("SNS → HTTP(S) subscribers", () => {
  let cb: Cloudbox;
  let sns: SNSClient;
  let endpoint: Endpoint;
  let topicArn: string;
  before(async () => {
    cb = await startTestCloudbox();
    sns = new SNSClient(sdkConfig(cb));
    endpoint = new Endpoint();
    await endpoint.start();
    topicArn = (await sns.send(new CreateTopicCommand({ Name: "webhooks" }))).TopicArn!;
  });
  after(async () => {
    sns.destroy();
    await endpoint.stop();
    await cb.stop();
  });

  let subscriptionArn = "";

  it("receives a signed SubscriptionConfirmation and confirms through the SubscribeURL", async () => {
    const sub = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: endpoint.url, ReturnSubscriptionArn: true }));
    subscriptionArn = sub.SubscriptionArn!;
    const confirmation = await endpoint.next(1);
    assert.equal(confirmation.headers["x-amz-sns-message-type"], "SubscriptionConfirmation");
    assert.equal(confirmation.headers["x-amz-sns-topic-arn"], topicArn);
    assert.ok(confirmation.headers["x-amz-sns-message-id"]);
    assert.equal(confirmation.headers["content-type"], "text/plain; charset=UTF-8");
    const message = JSON.parse(confirmation.body) as Record<string, string>;
    assert.equal(message["Type"], "SubscriptionConfirmation");
    assert.equal(message["TopicArn"], topicArn);
    assert.equal(message["SignatureVersion"], "1");
    assert.ok(message["Token"]);
    assert.ok(message["SigningCertURL"]!.startsWith(cb.endpoint));
    assert.equal(await verifySignature(message), true);
    let attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }))).Attributes!;
    assert.equal(attrs["PendingConfirmation"], "true");

    // What a subscriber does: GET the SubscribeURL (unsigned).
    const res = await fetch(message["SubscribeURL"]!);
    assert.equal(res.status, 200);
    const xml = await res.text();
    assert.ok(xml.includes(`<SubscriptionArn>${subscriptionArn}</SubscriptionArn>`), xml);
    attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }))).Attributes!;
    assert.equal(attrs["PendingConfirmation"], "false");
    assert.ok(JSON.parse(attrs["EffectiveDeliveryPolicy"]!).healthyRetryPolicy);
  });

  it("gets notifications with SNS headers and a SignatureVersion 1 signature that verifies", async () => {
    await sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: "line one\nline \"two\" ✓", Subject: "Hi", MessageAttributes: { kind: { DataType: "String", StringValue: "greeting" } } }),
    );
    const got = await endpoint.next(2);
    assert.equal(got.headers["x-amz-sns-message-type"], "Notification");
    assert.equal(got.headers["x-amz-sns-subscription-arn"], subscriptionArn);
    assert.equal(got.headers["x-amz-sns-topic-arn"], topicArn);
    assert.equal(got.headers["user-agent"], "Amazon Simple Notification Service Agent");
    const message = JSON.parse(got.body) as Record<string, string> & { MessageAttributes: Record<string, { Type: string; Value: string }> };
    assert.deepEqual(Object.keys(message), ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]);
    assert.equal(got.headers["x-amz-sns-message-id"], message["MessageId"]);
    assert.equal(message["Message"], "line one\nline \"two\" ✓");
    assert.equal(message["Subject"], "Hi");
    assert.match(message["Timestamp"]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(message.MessageAttributes, { kind: { Type: "String", Value: "greeting" } });
    assert.equal(await verifySignature(message as Record<string, string>), true);
    assert.equal(await verifySignature({ ...(message as Record<string, string>), Message: "tampered" }), false);
  });

  it("SignatureVersion 2 signs with SHA256", async () => {
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "SignatureVersion", AttributeValue: "2" }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "v2" }));
    const message = JSON.parse((await endpoint.next(3)).body) as Record<string, string>;
    assert.equal(message["SignatureVersion"], "2");
    assert.equal(message["Subject"], undefined);
    assert.equal(await verifySignature(message), true);
  });

  it("raw message delivery posts the bare message", async () => {
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn, AttributeName: "RawMessageDelivery", AttributeValue: "true" }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "just this" }));
    const got = await endpoint.next(4);
    assert.equal(got.body, "just this");
    assert.equal(got.headers["x-amz-sns-rawdelivery"], "true");
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn, AttributeName: "RawMessageDelivery", AttributeValue: "false" }));
  });

  it("a dead subscriber does not affect others, and ConfirmSubscription works too", async () => {
    const dead = new Endpoint();
    await dead.start();
    const deadUrl = dead.url;
    const second = new Endpoint();
    await second.start();
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: second.url }));
    const conf = JSON.parse((await second.next(1)).body) as Record<string, string>;
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: conf["Token"] }));
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: deadUrl }));
    const deadConf = JSON.parse((await dead.next(1)).body) as Record<string, string>;
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: deadConf["Token"] }));
    await dead.stop();
    const started = Date.now();
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "to all" }));
    assert.ok(Date.now() - started < 1000, "Publish does not wait for deliveries");
    assert.equal(JSON.parse((await second.next(2)).body).Message, "to all");
    assert.equal(JSON.parse((await endpoint.next(5)).body).Message, "to all");
    await second.stop();
  });

  it("the UnsubscribeURL removes the subscription and the endpoint hears an UnsubscribeConfirmation", async () => {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "last" }));
    const message = JSON.parse((await endpoint.next(6)).body) as Record<string, string>;
    const res = await fetch(message["UnsubscribeURL"]!);
    assert.equal(res.status, 200);
    await assert.rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn })), NotFoundException);
    const bye = await endpoint.next(7);
    assert.equal(bye.headers["x-amz-sns-message-type"], "UnsubscribeConfirmation");
    assert.equal(await verifySignature(JSON.parse(bye.body) as Record<string, string>), true);
    const left = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!;
    assert.ok(!left.some((s) => s.Endpoint === endpoint.url));
  });
});

describe("SNS → HTTP retries with backoff (virtual clock)", () => {
  let cb: Cloudbox;
  let sns: SNSClient;
  let endpoint: Endpoint;
  before(async () => {
    cb = await startTestCloudbox({ clock: "virtual" });
    sns = new SNSClient(sdkConfig(cb));
    endpoint = new Endpoint();
    await endpoint.start();
  });
  after(async () => {
    sns.destroy();
    await endpoint.stop();
    await cb.stop();
  });

  it("retries a 500 per the delivery policy until it succeeds", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "flaky" }))).TopicArn!;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: endpoint.url }));
    const conf = JSON.parse((await endpoint.next(1)).body) as Record<string, string>;
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: conf["Token"] }));
    endpoint.statuses = [500, 503];
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "eventually" }));
    await endpoint.next(2);
    const settle = () => new Promise((r) => setTimeout(r, 100));
    await settle(); // let cloudbox read the 500 and schedule its retry
    // AWS's default policy: retries 20 s apart. Nothing happens before then.
    cb.clock.advance!(19_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(endpoint.received.length, 2);
    cb.clock.advance!(1_000);
    await endpoint.next(3);
    await settle();
    cb.clock.advance!(20_000);
    const third = await endpoint.next(4);
    assert.equal(JSON.parse(third.body).Message, "eventually");
    await settle();
    cb.clock.advance!(60_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(endpoint.received.length, 4, "no retries after success");
  });

  it("a reset drops pending retries along with topics and subscriptions", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: "down" }))).TopicArn!;
    const before = endpoint.received.length;
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: endpoint.url }));
    const conf = JSON.parse((await endpoint.next(before + 1)).body) as Record<string, string>;
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: conf["Token"] }));
    endpoint.statuses = [500];
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "doomed" }));
    await endpoint.next(before + 2);
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${cb.endpoint}/_cloudbox/reset`, { method: "POST" });
    assert.equal(res.status, 200);
    cb.clock.advance!(120_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(endpoint.received.length, before + 2, "no retry after the reset");
    await assert.rejects(sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn })), NotFoundException);
  });
});
