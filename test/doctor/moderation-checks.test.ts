// The doctor's moderation check against the strict fake OpenAI: a real moderations.create call, or the warning when off.

import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { closedPort, doctor, GOOD_KEY, sentences } from "./doctor-support.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI({ catalog: { apiKeys: [GOOD_KEY], models: [{ id: "gpt-4o-mini", vision: true }] } });
});
afterAll(() => fake.close());
afterEach(() => fake.moderations.failWith(undefined));

const host = () => `127.0.0.1:${new URL(fake.url).port}`;
const env = (extra: Record<string, string> = {}) => ({ OPENAI_API_KEY: GOOD_KEY, OPENAI_BASE_URL: fake.url, ...extra });

it("a working endpoint passes after a real moderation call with the configured key", async () => {
  const before = fake.moderations.requests.length;
  const result = await doctor(env());
  expect(sentences(result, "Moderation", "ok")).toEqual([`${host()} moderates students' messages (omni-moderation-latest answered a test call)`]);
  const calls = fake.moderations.requests.slice(before);
  expect(calls).toHaveLength(1);
  expect(calls[0]?.rejection).toBeUndefined();
  expect(calls[0]?.headers.authorization).toBe(`Bearer ${GOOD_KEY}`);
  expect(result.exitCode).toBe(0);
});

it("a separate moderation key and endpoint are the ones checked", async () => {
  const result = await doctor(env({ OPENAI_API_KEY: "sk-doctor-chat-only-000000", BATON_MODERATION_API_KEY: GOOD_KEY, BATON_MODERATION_BASE_URL: fake.url }));
  expect(sentences(result, "Moderation", "fail")).toEqual([]);
  expect(sentences(result, "Moderation", "ok")).toHaveLength(1);
});

it("a refused moderation key", async () => {
  const result = await doctor(env({ BATON_MODERATION_API_KEY: "sk-doctor-wrong-key-999999" }));
  expect(sentences(result, "Moderation", "fail")).toEqual([
    `${host()} refused the moderation key (401): BATON_MODERATION_API_KEY (or OPENAI_API_KEY) is wrong or revoked`,
  ]);
  expect(result.text).not.toContain("sk-doctor-wrong-key");
  expect(result.exitCode).toBe(1);
});

it("a server with no moderation endpoint", async () => {
  fake.moderations.failWith({ status: 404, message: "Unknown route POST /v1/moderations" });
  const result = await doctor(env());
  expect(sentences(result, "Moderation", "fail")).toEqual([
    `${host()} has no moderation endpoint (404 on /moderations): a compatible model server often has none`,
  ]);
});

it("an endpoint nothing answers on is named as a network failure", async () => {
  const port = await closedPort();
  const result = await doctor(env({ BATON_MODERATION_BASE_URL: `http://127.0.0.1:${port}/v1` }));
  const [sentence] = sentences(result, "Moderation", "fail");
  expect(sentence).toMatch(new RegExp(`^cannot reach 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*; students' messages would go unchecked$`));
});

it("BATON_MODERATION=off is a warning that minors' messages go unchecked, not a failure", async () => {
  const before = fake.moderations.requests.length;
  const result = await doctor(env({ BATON_MODERATION: "off" }));
  expect(sentences(result, "Moderation", "warn")).toEqual([
    "BATON_MODERATION=off: students' messages (minors' included) go unchecked, and no safety alerts are raised",
  ]);
  expect(fake.moderations.requests.length).toBe(before);
  expect(result.exitCode).toBe(0);
});
