// `npm start -- history NAME --format md|json` prints exactly what the console's export buttons download.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { consoleBed } from "./console-harness.js";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const run = promisify(execFile);

it("prints the Markdown and JSON exports of a console thread by name, and of any conversation by #id", async () => {
  const bed = await consoleBed();
  const lesson = (await bed.store.getOrCreateConversation({ platform: "console", workspace: "local", channel: "console", thread: "algebra" })).id;
  await bed.store.appendUserMessage(lesson, { userId: "me", userName: "me", text: "what is x if 2x = 4?" });
  const cookie = await bed.signIn({ kind: "all" });
  const env: NodeJS.ProcessEnv = { ...process.env, BATON_DB: bed.path, BATON_AGENTS: new URL("../../agents.yaml", import.meta.url).pathname, LOG_LEVEL: "silent" };
  for (const name of ["OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "BATON_MODEL_PRICES"]) delete env[name];
  // Priced like the test bed (gpt-4o-mini); nothing is sent there: history never calls the model.
  env.OPENAI_BASE_URL = "http://127.0.0.1:9/v1";
  env.OPENAI_MODEL = "gpt-4o-mini";
  const cli = async (...args: string[]) => (await run(process.execPath, ["--import", "tsx", MAIN, "history", ...args], { env })).stdout;

  const md = await cli("algebra", "--format", "md");
  expect(md).toContain("> what is x if 2x = 4?");
  expect(md).toBe(await (await bed.get(`/conversations/${lesson}/export.md`, cookie)).text());

  const json = await cli(`#${bed.seeded.math}`, "--format", "json");
  expect(JSON.parse(json)).toEqual(await (await bed.get(`/conversations/${bed.seeded.math}/export.json`, cookie)).json());

  await expect(cli("nosuch", "--format", "md")).rejects.toMatchObject({ stderr: expect.stringContaining('No conversation "nosuch"') });
}, 120_000); // three CLI starts (tsx compiles the program each time): slow on a loaded 2-core machine
