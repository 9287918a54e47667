// Discord platform faults: webhook posts rate limited or failing, the webhook deleted behind the bot's back, the thread archived mid-turn.

import type { APIUser } from "discord.js";
import { startDiscordTestBed, type DiscordTestBed } from "../../test/platforms/discord/discord-test-bed.js";
import { tally, type ReceivedPost, type SentQuestion } from "./ledger.js";
import type { FaultRow } from "./results.js";
import { FAILURE_NOTICES, within } from "./settle.js";
import { SoakModel, tagOf } from "./soak-model.js";

const WEBHOOK_EXECUTE = /^\/webhooks\/\d+\/[^/]+$/;
/** discord.js tries a 5xx 4 times (REST retries: 3) and the service 5 times: 1 failure is absorbed, 22 outlast all 20. */
const MILD = 1;
const SEVERE = 22;

type Kind = "platform 429 (Discord)" | "platform 5xx (Discord)" | "unknown webhook (Discord)" | "archived thread (Discord)";
const DETAILS: Record<Kind, string> = {
  "platform 429 (Discord)": "webhook posts answer HTTP 429 (retry_after 0.05 s, X-RateLimit-*), 1× or 22× in a row",
  "platform 5xx (Discord)": "webhook posts answer HTTP 500, 1× or 22× in a row",
  "unknown webhook (Discord)": "the channel's webhook deleted before each turn (404 10015 on the next post)",
  "archived thread (Discord)": "the thread archived while the tutor is being asked",
};

export interface DiscordFaultOptions {
  readonly turnsPerKind: number;
  readonly budgetMs: number;
}

/** Every message in these threads, as the fake Discord holds it, under the name it was posted with. */
function postsIn(bed: DiscordTestBed, threads: readonly string[]): ReceivedPost[] {
  return threads.flatMap((thread) =>
    bed.fake
      .messagesIn(thread)
      .filter((message) => message.author.id !== undefined && message.author.bot === true)
      .map((message) => ({ thread, author: message.author.username, text: message.content })),
  );
}

/** A student mentions the bot in #homework (the bot opens a thread on that message); resolves once it is handled. */
async function ask(bed: DiscordTestBed, student: APIUser, tag: string, sent: SentQuestion[], budgetMs: number): Promise<void> {
  const message = bed.fake.userSays({ channelId: bed.homework, author: student, content: `<@${bed.fake.botUser.id}> ${tag} What is 3 + 4?` });
  sent.push({ thread: message.id, tag });
  await within(bed.handled(message.id), budgetMs);
}

export async function runDiscordFaults(options: DiscordFaultOptions): Promise<FaultRow[]> {
  const rows: FaultRow[] = [];
  let serial = 300_000;
  for (const kind of Object.keys(DETAILS) as Kind[]) {
    const model = new SoakModel();
    const bed = await startDiscordTestBed({ responder: model.respond });
    try {
      const student = bed.fake.addUser("soak-student");
      const sent: SentQuestion[] = [];
      let injected = 0;
      const deadline = Date.now() + options.budgetMs;
      if (kind.startsWith("archived")) {
        // As the tutor is asked, the thread is archived (a moderator, or Discord's auto-archive): its reply must still land.
        model.onRequest = (tag, role) => {
          const question = sent.find((q) => q.tag === tag);
          const thread = question === undefined ? undefined : bed.fake.world.thread(question.thread);
          if (role !== "tutor" || thread?.thread_metadata === undefined) return;
          thread.thread_metadata.archived = true;
          injected++;
        };
      }
      for (let i = 0; i < options.turnsPerKind && Date.now() < deadline; i++) {
        const tag = tagOf(++serial);
        const times = i % 2 === 0 ? MILD : SEVERE;
        if (kind === "platform 429 (Discord)") bed.fake.rateLimit({ method: "POST", path: WEBHOOK_EXECUTE, times });
        if (kind === "platform 5xx (Discord)") bed.fake.failWithServerError({ method: "POST", path: WEBHOOK_EXECUTE, times });
        if (kind.startsWith("unknown webhook")) {
          // Deleted between turns: the next post answers 404 10015 and the bot must make a new webhook.
          for (const webhook of bed.fake.webhooksIn(bed.homework)) {
            bed.fake.deleteWebhook(webhook.id);
            injected++;
          }
        }
        await ask(bed, student, tag, sent, Math.max(deadline - Date.now(), 1));
      }
      injected += bed.fake.faultsServed();
      rows.push({ kind, injected, detail: DETAILS[kind], tally: tally(sent, postsIn(bed, sent.map((q) => q.thread)), FAILURE_NOTICES) });
    } finally {
      await bed.close();
    }
  }
  return rows;
}
