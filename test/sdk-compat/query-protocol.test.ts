import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadServiceModel } from "../../sdk-compat/model/service-model.js";
import { QueryProtocol } from "../../sdk-compat/protocol/query-protocol.js";
import { formParams } from "../../sdk-compat/protocol/query-parser.js";
import { SqsQueryProtocol } from "../../sdk-compat/protocol/sqs-query-protocol.js";
import { ServiceError } from "../../sdk-compat/errors/service-error.js";
import { type InputCase, type OutputCase, parseCase, wireRequest } from "./protocol-fixtures.js";

const sns = new QueryProtocol(loadServiceModel("sns"));
const form = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };

const inputs: InputCase[] = [
  { name: "scalar members", operation: "CreateTopic", request: { headers: form, body: "Action=CreateTopic&Version=2010-03-31&Name=orders" }, input: { Name: "orders" } },
  {
    name: "map as entry.N.key/value, list as member.N",
    operation: "CreateTopic",
    request: { headers: form, body: "Action=CreateTopic&Name=t&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=Orders&Tags.member.1.Key=team&Tags.member.1.Value=a%20b" },
    input: { Name: "t", Attributes: { DisplayName: "Orders" }, Tags: [{ Key: "team", Value: "a b" }] },
  },
  { name: "an empty list arrives as Name=", operation: "TagResource", request: { headers: form, body: "Action=TagResource&ResourceArn=arn&Tags=" }, input: { ResourceArn: "arn", Tags: [] } },
  {
    name: "nested structure inside map values",
    operation: "Publish",
    request: { headers: form, body: "Action=Publish&Message=hi&MessageAttributes.entry.1.Name=n&MessageAttributes.entry.1.Value.DataType=Number&MessageAttributes.entry.1.Value.StringValue=5" },
    input: { Message: "hi", MessageAttributes: { n: { DataType: "Number", StringValue: "5" } } },
  },
  { name: "parameters in the query string count too", operation: "ListTopics", request: { method: "GET", query: "Action=ListTopics&NextToken=abc" }, input: { NextToken: "abc" } },
];

const outputs: OutputCase[] = [
  {
    name: "OpResponse / OpResult / ResponseMetadata envelope",
    operation: "CreateTopic",
    output: { TopicArn: "arn:aws:sns:us-east-1:000000000000:t" },
    body: '<?xml version="1.0" encoding="UTF-8"?><CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><CreateTopicResult><TopicArn>arn:aws:sns:us-east-1:000000000000:t</TopicArn></CreateTopicResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateTopicResponse>',
  },
  { name: "lists as <member>", operation: "ListTopics", output: { Topics: [{ TopicArn: "a" }, { TopicArn: "b" }] }, contains: ["<Topics><member><TopicArn>a</TopicArn></member><member><TopicArn>b</TopicArn></member></Topics>"] },
  { name: "maps as <entry><key/><value/>", operation: "GetTopicAttributes", output: { Attributes: { Owner: "1" } }, contains: ["<Attributes><entry><key>Owner</key><value>1</value></entry></Attributes>"] },
  { name: "text is escaped, quotes and CR as entities", operation: "CreateTopic", output: { TopicArn: 'a<&>"\r' }, contains: ["<TopicArn>a&lt;&amp;&gt;&quot;&#xD;</TopicArn>"] },
];

describe("query protocol fixtures (SNS model)", () => {
  for (const c of inputs) {
    it(`parses: ${c.name}`, () => {
      const { operation, input } = parseCase(sns, c);
      assert.equal(operation, c.operation);
      assert.deepEqual(input, c.input);
    });
  }
  for (const c of outputs) {
    it(`serializes: ${c.name}`, () => {
      const response = sns.serializeOutput(sns.model.operations[c.operation]!, c.output, "req-1");
      assert.equal(response.status, 200);
      assert.equal(response.headers["x-amzn-requestid"], "req-1");
      if (c.body) assert.equal(response.body, c.body);
      for (const fragment of c.contains ?? []) assert.ok(String(response.body).includes(fragment), `${fragment} in ${response.body}`);
    });
  }
  it("serializes errors as ErrorResponse/Error with Type, Code, Message and RequestId", () => {
    const response = sns.serializeError(new ServiceError("NotFound", "Topic does not exist", { status: 404 }), "req-2");
    assert.equal(response.status, 404);
    assert.equal(response.body, '<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>req-2</RequestId></ErrorResponse>');
  });
  it("a member sent under its serialized name and its member name is read from the serialized one", () => {
    const sqs = new SqsQueryProtocol(loadServiceModel("sqs"));
    const c = (body: string): InputCase => ({ name: "", operation: "ReceiveMessage", request: { headers: form, body: `Action=ReceiveMessage&QueueUrl=q&${body}` }, input: {} });
    // One serialized key fills both lists that are serialized under it, as the SQS query API does.
    assert.deepEqual(parseCase(sqs, c("AttributeName.1=All")).input, { QueueUrl: "q", AttributeNames: ["All"], MessageSystemAttributeNames: ["All"] });
    // The member name alone (the Java SDK v2's form) is read too; the serialized name wins when both are sent.
    assert.deepEqual(parseCase(sqs, c("MaxNumberOfMessages=5&AttributeNames.1=SentTimestamp")).input, { QueueUrl: "q", MaxNumberOfMessages: 5, AttributeNames: ["SentTimestamp"] });
    assert.deepEqual(parseCase(sqs, c("AttributeNames.1=SentTimestamp&AttributeName.1=All")).input, { QueueUrl: "q", AttributeNames: ["All"], MessageSystemAttributeNames: ["All"] });
  });

  it("form bodies parse as URLSearchParams parses them, whether or not they need decoding", () => {
    const reference = (body: string) => [...new Map(new URLSearchParams(body))];
    const bodies = [
      "Action=CreateTopic&Name=plain",
      "&&Action=CreateTopic&&Name=a=b=c&Flag&=empty-name&Name=last-wins&",
      "Action=CreateTopic&Name=caf\u00e9\u{1F600}\uFEFF",
      "Action=CreateTopic&Name=a+b%20c%2Bd&Bad=%zz%4",
      "",
      "=",
      "&",
    ];
    for (const body of bodies) assert.deepEqual([...formParams(Buffer.from(body), new URLSearchParams())], reference(body), JSON.stringify(body));
    // Parameters of the query string come first; the body's override them.
    assert.deepEqual([...formParams(Buffer.from("Name=body&Other=1"), new URLSearchParams("Name=query&Q=2"))], [["Name", "body"], ["Q", "2"], ["Other", "1"]]);
  });

  it("an unknown Action resolves to no operation", () => {
    assert.equal(sns.resolveOperation(wireRequest({ headers: form, body: "Action=Nope" })), undefined);
  });
});
