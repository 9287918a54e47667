// Discord platform faults: the reply webhook deleted behind the bot's back, and the thread archived while a turn runs.

import type { APIUser } from "discord.js";
import { startDiscordTestBed, type DiscordTestBed } from "../../test/platforms/discord/discord-test-bed.js";
import { tally, type ReceivedPost, type SentQuestion } from "./ledger.js";
import type { FaultRow } from "./results.js";
import { FAILURE_NOTICES, within } from "./settle.js";
import { SoakModel, tagOf } from "./soak-model.js";

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
  for (const kind of ["unknown webhook (Discord)", "archived thread (Discord)"] as const) {
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
        if (kind.startsWith("unknown webhook")) {
          // Deleted between turns: the next post answers 404 10015 and the bot must make a new webhook.
          for (const webhook of bed.fake.webhooksIn(bed.homework)) {
            bed.fake.deleteWebhook(webhook.id);
            injected++;
          }
        }
        await ask(bed, student, tag, sent, Math.max(deadline - Date.now(), 1));
      }
      const detail = kind.startsWith("unknown")
        ? "the channel's webhook deleted before each turn (404 10015 on the next post)"
        : "the thread archived while the tutor is being asked";
      rows.push({ kind, injected, tally: tally(sent, postsIn(bed, sent.map((q) => q.thread)), FAILURE_NOTICES), detail });
    } finally {
      await bed.close();
    }
  }
  return rows;
}
