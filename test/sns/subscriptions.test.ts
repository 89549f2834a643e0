import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SNSClient,
  CreateTopicCommand,
  DeleteTopicCommand,
  SubscribeCommand,
  UnsubscribeCommand,
  ConfirmSubscriptionCommand,
  ListSubscriptionsCommand,
  ListSubscriptionsByTopicCommand,
  GetSubscriptionAttributesCommand,
  SetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  PublishCommand,
  NotFoundException,
  InvalidParameterException,
  paginateListSubscriptionsByTopic,
} from "@aws-sdk/client-sns";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

interface Captured {
  protocol: string;
  endpoint: string;
  type: string;
  subject: string | null;
  message: string;
  body: string;
  subscriptionArn: string | null;
}

async function captured(cb: Cloudbox, query: string): Promise<Captured[]> {
  const res = await fetch(`${cb.endpoint}/_cloudbox/sns/deliveries?${query}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { deliveries: Captured[] }).deliveries;
}

/** Deliveries happen after Publish answers; poll the control plane briefly. */
async function waitFor<T>(fn: () => Promise<T[]>, count: number): Promise<T[]> {
  for (let i = 0; i < 200; i++) {
    const items = await fn();
    if (items.length >= count) return items;
    await new Promise((r) => setTimeout(r, 10));
  }
  return fn();
}

describe("SNS subscriptions (SDK v3)", () => {
  let cb: Cloudbox;
  let sns: SNSClient;
  let topicArn: string;
  before(async () => {
    cb = await startTestCloudbox();
    sns = new SNSClient(sdkConfig(cb));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: "subs" }))).TopicArn!;
  });
  after(async () => {
    sns.destroy();
    await cb.stop();
  });

  it("sqs and sms subscriptions are confirmed at once; Subscribe is idempotent", async () => {
    const queueArn = "arn:aws:sqs:us-east-1:000000000000:q1";
    const a = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }));
    assert.match(a.SubscriptionArn!, new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    const again = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }));
    assert.equal(again.SubscriptionArn, a.SubscriptionArn);
    await assert.rejects(
      sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn, Attributes: { RawMessageDelivery: "true" } })),
      (e: unknown) => e instanceof InvalidParameterException && e.message === "Invalid parameter: Attributes Reason: Subscription already exists with different attributes",
    );
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: a.SubscriptionArn }))).Attributes!;
    assert.equal(attrs["PendingConfirmation"], "false");
    assert.equal(attrs["Protocol"], "sqs");
    assert.equal(attrs["Endpoint"], queueArn);
    assert.equal(attrs["TopicArn"], topicArn);
    assert.equal(attrs["RawMessageDelivery"], "false");
    assert.equal(attrs["Owner"], "000000000000");
    const sms = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sms", Endpoint: "+15555550100" }));
    assert.notEqual(sms.SubscriptionArn, "pending confirmation");
  });

  it("email subscriptions wait for confirmation; the confirmation email is captured with its token", async () => {
    const res = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "email", Endpoint: "ops@example.com" }));
    assert.equal(res.SubscriptionArn, "pending confirmation");
    const [confirmation] = await waitFor(() => captured(cb, "protocol=email&type=SubscriptionConfirmation"), 1);
    assert.ok(confirmation);
    assert.equal(confirmation.endpoint, "ops@example.com");
    const body = JSON.parse(confirmation.body) as { Token: string; SubscribeURL: string; TopicArn: string };
    assert.equal(body.TopicArn, topicArn);
    assert.ok(body.SubscribeURL.includes("Action=ConfirmSubscription"));
    const listed = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!;
    assert.equal(listed.find((s) => s.Endpoint === "ops@example.com")?.SubscriptionArn, "PendingConfirmation");
    let topicAttrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes!;
    assert.equal(topicAttrs["SubscriptionsPending"], "1");

    await assert.rejects(sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: "nope" })), InvalidParameterException);
    const confirmed = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: body.Token }));
    assert.match(confirmed.SubscriptionArn!, new RegExp(`^${topicArn}:`));
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: confirmed.SubscriptionArn }))).Attributes!;
    assert.equal(attrs["PendingConfirmation"], "false");
    topicAttrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes!;
    assert.equal(topicAttrs["SubscriptionsPending"], "0");

    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "hello by mail", Subject: "Greetings" }));
    const mails = await waitFor(() => captured(cb, "protocol=email&type=Notification"), 1);
    assert.equal(mails[0]!.message, "hello by mail");
    assert.equal(mails[0]!.body, "hello by mail");
    assert.equal(mails[0]!.subject, "Greetings");
    const texts = await waitFor(() => captured(cb, "protocol=sms&endpoint=%2B15555550100"), 1);
    assert.equal(texts[0]!.message, "hello by mail");
  });

  it("MessageStructure=json sends each protocol its own text; email-json gets the envelope", async () => {
    const topic = (await sns.send(new CreateTopicCommand({ Name: "structured" }))).TopicArn!;
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "sms", Endpoint: "+15555550111" }));
    const ej = await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "email-json", Endpoint: "json@example.com", ReturnSubscriptionArn: true }));
    const [conf] = await waitFor(() => captured(cb, "endpoint=json%40example.com&type=SubscriptionConfirmation"), 1);
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topic, Token: (JSON.parse(conf!.body) as { Token: string }).Token }));
    await sns.send(new PublishCommand({ TopicArn: topic, MessageStructure: "json", Message: JSON.stringify({ default: "plain", sms: "short" }) }));
    const [text] = await waitFor(() => captured(cb, "endpoint=%2B15555550111"), 1);
    assert.equal(text!.message, "short");
    const [mail] = await waitFor(() => captured(cb, "endpoint=json%40example.com&type=Notification"), 1);
    const envelope = JSON.parse(mail!.body) as Record<string, string>;
    assert.equal(envelope["Type"], "Notification");
    assert.equal(envelope["Message"], "plain");
    assert.equal(envelope["UnsubscribeURL"]!.includes(encodeURIComponent(ej.SubscriptionArn!)), true);
  });

  it("application endpoints get captured deliveries; the control plane clears captures and serves the certificate", async () => {
    const topic = (await sns.send(new CreateTopicCommand({ Name: "mobile" }))).TopicArn!;
    const endpointArn = "arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/0f1e2d3c-aaaa-bbbb-cccc-000000000001";
    const sub = await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "application", Endpoint: endpointArn }));
    assert.notEqual(sub.SubscriptionArn, "pending confirmation");
    await sns.send(new PublishCommand({ TopicArn: topic, MessageStructure: "json", Message: JSON.stringify({ default: "d", GCM: '{"notification":{"title":"t"}}' }) }));
    const [push] = await waitFor(() => captured(cb, `protocol=application&endpoint=${encodeURIComponent(endpointArn)}`), 1);
    assert.equal(push!.message, '{"notification":{"title":"t"}}');
    const cleared = await fetch(`${cb.endpoint}/_cloudbox/sns/deliveries`, { method: "DELETE" });
    assert.equal(cleared.status, 200);
    assert.deepEqual(await captured(cb, ""), []);
    const pem = await fetch(`${cb.endpoint}/_cloudbox/sns/SimpleNotificationService.pem`);
    assert.equal(pem.status, 200);
    assert.match(await pem.text(), /^-----BEGIN CERTIFICATE-----/);
  });

  it("the control plane hands out a subscription's token for endpoints cloudbox cannot reach", async () => {
    const topic = (await sns.send(new CreateTopicCommand({ Name: "far-away" }))).TopicArn!;
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "https", Endpoint: "https://unreachable.invalid/hook", ReturnSubscriptionArn: true }));
    const res = await fetch(`${cb.endpoint}/_cloudbox/sns/subscription-token?subscriptionArn=${encodeURIComponent(SubscriptionArn!)}`);
    const body = (await res.json()) as { token: string; pendingConfirmation: boolean };
    assert.equal(body.pendingConfirmation, true);
    assert.match(body.token, /^[0-9a-f]{288}$/);
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topic, Token: body.token }));
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
    assert.equal(attrs["PendingConfirmation"], "false");
    assert.equal((await fetch(`${cb.endpoint}/_cloudbox/sns/subscription-token?subscriptionArn=nope`)).status, 404);
  });

  it("Unsubscribe: malformed ARNs are InvalidParameter, unknown ones succeed", async () => {
    const unsubscribe = (SubscriptionArn: string) => sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    await assert.rejects(unsubscribe("nope"), (e: unknown) => e instanceof InvalidParameterException && e.message === "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1");
    await assert.rejects(unsubscribe(topicArn), (e: unknown) => e instanceof InvalidParameterException && e.message === "Invalid parameter: SubscriptionId");
    await unsubscribe(`${topicArn}:11111111-2222-3333-4444-555555555555`);
  });

  it("validates protocols and endpoints", async () => {
    const bad = async (Protocol: string, Endpoint: string, message: string) =>
      assert.rejects(sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol, Endpoint })), (e: unknown) => {
        assert.ok(e instanceof InvalidParameterException, String(e));
        assert.equal(e.message, message);
        return true;
      });
    await bad("carrier-pigeon", "x", "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon");
    await bad("sqs", "not-an-arn", "Invalid parameter: SQS endpoint ARN");
    await bad("http", "https://example.com/", "Invalid parameter: Endpoint must match the specified protocol");
    await bad("email", "nobody", "Invalid parameter: Email address");
    await bad("sms", "call me", "Invalid SMS endpoint: call me");
    await bad("sqs", "arn:aws:sqs:us-east-1:000000000000:q.fifo", "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
    await assert.rejects(
      sns.send(new SubscribeCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:missing", Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:q" })),
      (e: unknown) => e instanceof NotFoundException && e.message === "Topic does not exist",
    );
    await assert.rejects(
      sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "email", Endpoint: "raw@example.com", Attributes: { RawMessageDelivery: "true" } })),
      InvalidParameterException,
    );
  });

  it("Set/GetSubscriptionAttributes: RawMessageDelivery, FilterPolicy(Scope), RedrivePolicy", async () => {
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:q2" }));
    const set = (AttributeName: string, AttributeValue: string) => sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));
    await set("RawMessageDelivery", "true");
    await set("FilterPolicy", JSON.stringify({ color: ["red"] }));
    await set("RedrivePolicy", JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:dlq" }));
    let attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
    assert.equal(attrs["RawMessageDelivery"], "true");
    assert.deepEqual(JSON.parse(attrs["FilterPolicy"]!), { color: ["red"] });
    assert.equal(attrs["FilterPolicyScope"], "MessageAttributes");
    assert.equal(JSON.parse(attrs["RedrivePolicy"]!).deadLetterTargetArn, "arn:aws:sqs:us-east-1:000000000000:dlq");
    // A nested policy is only valid in MessageBody scope.
    await assert.rejects(set("FilterPolicy", JSON.stringify({ a: { b: ["c"] } })), (e: unknown) => {
      assert.ok(e instanceof InvalidParameterException);
      assert.equal(e.message, "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy");
      return true;
    });
    await set("FilterPolicyScope", "MessageBody");
    await set("FilterPolicy", JSON.stringify({ a: { b: ["c"] } }));
    attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
    assert.equal(attrs["FilterPolicyScope"], "MessageBody");
    await assert.rejects(set("FilterPolicyScope", "MessageAttributes"), InvalidParameterException);
    await set("FilterPolicy", "");
    attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
    assert.equal(attrs["FilterPolicy"], undefined);
    await assert.rejects(set("Bogus", "x"), (e: unknown) => e instanceof InvalidParameterException && e.message === "Invalid parameter: AttributeName");
    await assert.rejects(set("RawMessageDelivery", "maybe"), InvalidParameterException);
    await assert.rejects(set("RedrivePolicy", JSON.stringify({ deadLetterTargetArn: "nope" })), InvalidParameterException);
    await assert.rejects(
      sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: `${topicArn}:00000000-0000-0000-0000-000000000000` })),
      (e: unknown) => e instanceof NotFoundException && e.message === "Subscription does not exist",
    );
  });

  it("Subscribe checks the filter policy with AWS's message", async () => {
    await assert.rejects(
      sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sms", Endpoint: "+15555550199", Attributes: { FilterPolicy: JSON.stringify({ n: [{ numeric: [">", "x"] }] }) } })),
      (e: unknown) => {
        assert.ok(e instanceof InvalidParameterException);
        assert.equal(e.message, "Invalid parameter: Attributes Reason: FilterPolicy: Value of > must be numeric");
        return true;
      },
    );
  });

  it("ListSubscriptions pages; Unsubscribe and DeleteTopic remove subscriptions", async () => {
    const topic = (await sns.send(new CreateTopicCommand({ Name: "many-subs" }))).TopicArn!;
    for (let i = 0; i < 120; i++) await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:q-${i}` }));
    const first = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }));
    assert.equal(first.Subscriptions!.length, 100);
    assert.ok(first.NextToken);
    const byTopic: string[] = [];
    for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: topic })) byTopic.push(...page.Subscriptions!.map((s) => s.SubscriptionArn!));
    assert.equal(byTopic.length, 120);
    const all = await sns.send(new ListSubscriptionsCommand({}));
    assert.equal(all.Subscriptions!.length, 100);
    const second = await sns.send(new ListSubscriptionsCommand({ NextToken: all.NextToken }));
    assert.ok(second.Subscriptions!.length > 20);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: byTopic[0] }));
    await assert.rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: byTopic[0] })), NotFoundException);
    await sns.send(new DeleteTopicCommand({ TopicArn: topic }));
    await assert.rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: byTopic[1] })), NotFoundException);
    await assert.rejects(sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic })), NotFoundException);
  });
});
