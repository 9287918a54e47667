// agents.yaml `channels:` on Discord: a question asked in a channel mapped to `start: math_tutor` (the thread's parent
// channel id) goes straight to the math tutor, with no triage call; other channels still start at triage.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { requestAgent } from "../../support/seed-responder.js";
import { startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";

let bed: DiscordTestBed | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

it("starts a thread opened in the math channel at math_tutor, one model call fewer; #general still goes through triage", async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-discord-channels-"));
  const roster = readFileSync(new URL("../../../agents.yaml", import.meta.url), "utf8");
  bed = await startDiscordTestBed({
    agentsFile: (fake) => {
      const path = join(dir!, "agents.yaml");
      // Unquoted, as a teacher would paste it: the id is read exactly.
      writeFileSync(path, `${roster}\nchannels:\n  ${fake.channelId("homework")}: { start: math_tutor }\n`);
      return path;
    },
  });
  const student = bed.fake.addUser("ivy");
  const ask = async (channelId: string, question: string): Promise<string> => {
    const message = bed!.fake.userSays({ channelId, author: student, content: `<@${bed!.fake.botUser.id}> ${question}` });
    await bed!.handled(message.id);
    return message.id;
  };
  const thread = await ask(bed.homework, "what is 2+2?");
  expect(bed.service.fakeOpenAI.requests.map(requestAgent)).toEqual(["math_tutor"]);
  const posts = webhookPostsTo(bed.fake, thread);
  expect(posts.map((call) => (call.body as { username: string }).username)).toEqual(["Math Tutor"]);

  await ask(bed.general, "what is 3+3?");
  expect(bed.service.fakeOpenAI.requests.map(requestAgent)).toEqual(["math_tutor", "triage_agent", "math_tutor"]);
});
