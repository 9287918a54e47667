// The doctor's model checks against the strict fake OpenAI: each failure is named in its own sentence.

import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { closedPort, doctor, GOOD_KEY, sentences } from "./doctor-support.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI({
    catalog: { apiKeys: [GOOD_KEY], models: [{ id: "gpt-4o-mini", vision: true }, { id: "text-only", vision: false }] },
  });
});
afterAll(() => fake.close());

const env = (extra: Record<string, string> = {}) => ({ OPENAI_API_KEY: GOOD_KEY, OPENAI_BASE_URL: fake.url, ...extra });

it("a working model with vision passes: the name exists, a 1-token call answers, images are read", async () => {
  const before = fake.requests.length;
  const result = await doctor(env());
  expect(sentences(result, "Model", "ok")).toEqual([
    "model gpt-4o-mini exists",
    "model gpt-4o-mini answers (a 1-token call)",
    "model gpt-4o-mini reads images (students' photos of their homework can be answered)",
  ]);
  const calls = fake.requests.slice(before);
  expect(calls.map((r) => r.body.max_tokens)).toEqual([1, 1]);
  // No platform is configured, which is only a warning: everything needed works.
  expect(result.findings.filter((f) => f.status === "fail")).toEqual([]);
  expect(result.exitCode).toBe(0);
});

it("a refused key is named as a refused key, without showing it", async () => {
  const result = await doctor(env({ OPENAI_API_KEY: "sk-doctor-wrong-key-999999" }));
  expect(sentences(result, "Model", "fail")).toEqual([
    "127.0.0.1:" + new URL(fake.url).port + " refused the key (401): OPENAI_API_KEY is wrong, revoked or for another organisation",
  ]);
  expect(result.text).not.toContain("sk-doctor-wrong-key");
  expect(result.exitCode).toBe(1);
});

it("an unknown model name", async () => {
  const result = await doctor(env({ OPENAI_MODEL: "gpt-4o-mimi" }));
  expect(sentences(result, "Model", "fail")[0]).toMatch(/^OPENAI_MODEL=gpt-4o-mimi: 127\.0\.0\.1:\d+ has no model of that name/);
});

it("a model without vision is a warning, not a failure", async () => {
  const result = await doctor(env({ OPENAI_MODEL: "text-only" }));
  expect(sentences(result, "Model", "warn")).toEqual(["model text-only cannot read images: photos students send will not be understood"]);
  expect(sentences(result, "Model", "fail")).toEqual([]);
});

it("an account without credit", async () => {
  fake.enqueue({ status: 429, code: "insufficient_quota", message: "You exceeded your current quota" });
  const result = await doctor(env());
  expect(sentences(result, "Model", "fail")[0]).toMatch(/says the account has no credit left \(429 insufficient_quota\)$/);
});

it("an unreachable server is a network failure, never a refused key", async () => {
  const port = await closedPort();
  const result = await doctor({ OPENAI_API_KEY: GOOD_KEY, OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
  expect(sentences(result, "Model", "fail")).toEqual([
    `cannot reach 127.0.0.1:${port}: ECONNREFUSED — nothing is listening there: a wrong URL, or a firewall or proxy refusing the connection`,
  ]);
});

it("no model at all: the bots would run on the demo model", async () => {
  const result = await doctor({});
  expect(sentences(result, "Model", "fail")).toEqual(["no model is configured: the bots would answer with the offline demo model"]);
});
