// Transport failures are told apart from refusals, in one wording, wherever they sit in the cause chain.

import { expect, it } from "vitest";
import { describeNetworkFailure } from "../src/network-failure.js";

const dnsFailure = () => Object.assign(new Error("getaddrinfo ENOTFOUND discord.com"), { code: "ENOTFOUND", hostname: "discord.com" });

it("names a DNS failure inside undici's 'fetch failed' as a firewall or DNS problem", () => {
  const error = new TypeError("fetch failed", { cause: dnsFailure() });
  expect(describeNetworkFailure(error, "https://discord.com/api")).toBe("cannot reach discord.com: ENOTFOUND — a firewall or DNS problem");
});

it("finds the socket error in @slack/web-api's `original` and in an AggregateError", () => {
  const slack = Object.assign(new Error("A request error occurred: getaddrinfo ENOTFOUND slack.com"), { code: "slack_webapi_request_error", original: dnsFailure() });
  expect(describeNetworkFailure(slack, "https://slack.com/api/")).toBe("cannot reach slack.com: ENOTFOUND — a firewall or DNS problem");
  const refused = new AggregateError([Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })]);
  expect(describeNetworkFailure(new TypeError("fetch failed", { cause: refused }), "https://api.openai.com/v1")).toMatch(/^cannot reach api\.openai\.com: ECONNREFUSED — /);
});

it("says nothing about an error that is a refusal, not a network failure", () => {
  expect(describeNetworkFailure(Object.assign(new Error("401: Unauthorized"), { status: 401, code: 0 }), "https://discord.com/api")).toBeUndefined();
});
