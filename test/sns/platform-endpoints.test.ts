import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  SNSClient,
  CreatePlatformApplicationCommand,
  GetPlatformApplicationAttributesCommand,
  SetPlatformApplicationAttributesCommand,
  ListPlatformApplicationsCommand,
  DeletePlatformApplicationCommand,
  CreatePlatformEndpointCommand,
  GetEndpointAttributesCommand,
  SetEndpointAttributesCommand,
  ListEndpointsByPlatformApplicationCommand,
  DeleteEndpointCommand,
  PublishCommand,
  NotFoundException,
  InvalidParameterException,
  EndpointDisabledException,
} from "@aws-sdk/client-sns";
import type { Cloudbox } from "../../services/cloudbox.js";
import { startTestCloudbox, sdkConfig } from "../support/fixture.js";

describe("SNS mobile push: platform applications and endpoints (SDK v3)", () => {
  let cb: Cloudbox;
  let sns: SNSClient;
  before(async () => {
    cb = await startTestCloudbox();
    sns = new SNSClient(sdkConfig(cb));
  });
  after(async () => {
    sns.destroy();
    await cb.stop();
  });

  it("applications: create, attributes (secrets hidden), list, delete", async () => {
    const { PlatformApplicationArn } = await sns.send(new CreatePlatformApplicationCommand({ Name: "app", Platform: "GCM", Attributes: { PlatformCredential: "secret-key" } }));
    assert.equal(PlatformApplicationArn, "arn:aws:sns:us-east-1:000000000000:app/GCM/app");
    await sns.send(new SetPlatformApplicationAttributesCommand({ PlatformApplicationArn, Attributes: { SuccessFeedbackSampleRate: "100" } }));
    const attrs = (await sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn }))).Attributes!;
    assert.equal(attrs["Enabled"], "true");
    assert.equal(attrs["SuccessFeedbackSampleRate"], "100");
    assert.equal(attrs["PlatformCredential"], undefined);
    const listed = (await sns.send(new ListPlatformApplicationsCommand({}))).PlatformApplications!;
    assert.deepEqual(listed.map((a) => a.PlatformApplicationArn), [PlatformApplicationArn]);
    await assert.rejects(sns.send(new CreatePlatformApplicationCommand({ Name: "x", Platform: "PIGEON", Attributes: { PlatformCredential: "k" } })), InvalidParameterException);
    await sns.send(new DeletePlatformApplicationCommand({ PlatformApplicationArn }));
    await assert.rejects(sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn })), NotFoundException);
  });

  it("endpoints: idempotent by token, attributes, direct publish captured, disabled endpoints refused", async () => {
    const { PlatformApplicationArn } = await sns.send(new CreatePlatformApplicationCommand({ Name: "phones", Platform: "APNS", Attributes: { PlatformCredential: "k" } }));
    const a = await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "device-1", CustomUserData: "alice" }));
    assert.match(a.EndpointArn!, /^arn:aws:sns:us-east-1:000000000000:endpoint\/APNS\/phones\/[0-9a-f-]{36}$/);
    const again = await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "device-1", CustomUserData: "alice" }));
    assert.equal(again.EndpointArn, a.EndpointArn);
    await assert.rejects(sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "device-1", CustomUserData: "bob" })), (e: unknown) => {
      assert.ok(e instanceof InvalidParameterException);
      assert.equal(e.message, `Invalid parameter: Token Reason: Endpoint ${a.EndpointArn} already exists with the same Token, but different attributes.`);
      return true;
    });
    assert.deepEqual((await sns.send(new GetEndpointAttributesCommand({ EndpointArn: a.EndpointArn }))).Attributes, { Enabled: "true", CustomUserData: "alice", Token: "device-1" });
    const listed = (await sns.send(new ListEndpointsByPlatformApplicationCommand({ PlatformApplicationArn }))).Endpoints!;
    assert.deepEqual(listed.map((e) => e.EndpointArn), [a.EndpointArn]);

    const sent = await sns.send(new PublishCommand({ TargetArn: a.EndpointArn, MessageStructure: "json", Message: JSON.stringify({ default: "d", APNS: '{"aps":{"alert":"hi"}}' }) }));
    const res = await fetch(`${cb.endpoint}/_cloudbox/sns/deliveries?protocol=application&endpoint=${encodeURIComponent(a.EndpointArn!)}`);
    const { deliveries } = (await res.json()) as { deliveries: { messageId: string; message: string }[] };
    assert.deepEqual(deliveries.map((d) => [d.messageId, d.message]), [[sent.MessageId, '{"aps":{"alert":"hi"}}']]);

    await sns.send(new SetEndpointAttributesCommand({ EndpointArn: a.EndpointArn, Attributes: { Enabled: "false" } }));
    await assert.rejects(sns.send(new PublishCommand({ TargetArn: a.EndpointArn, Message: "x" })), EndpointDisabledException);
    await assert.rejects(sns.send(new SetEndpointAttributesCommand({ EndpointArn: a.EndpointArn, Attributes: { Color: "red" } })), (e: unknown) => e instanceof InvalidParameterException && e.message === "Invalid parameter: Attributes Reason: Invalid attribute name: Color");
    await sns.send(new DeleteEndpointCommand({ EndpointArn: a.EndpointArn }));
    await assert.rejects(sns.send(new GetEndpointAttributesCommand({ EndpointArn: a.EndpointArn })), NotFoundException);
    await assert.rejects(sns.send(new PublishCommand({ TargetArn: a.EndpointArn, Message: "x" })), (e: unknown) => e instanceof InvalidParameterException && e.message === "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified");
  });
});
