// Hostile inputs over Discord: pings in the model's output, and a moderator of one channel reading another channel's thread.

import { channelOption, MODERATOR_PERMISSIONS } from "../../test/support/fake-discord/index.js";
import { bodyOf, startDiscordTestBed, webhookPostsTo } from "../../test/platforms/discord/discord-test-bed.js";
import type { HostileRow } from "./results.js";
import { within } from "./settle.js";
import { SoakModel, tagOf } from "./soak-model.js";

export async function runDiscordHostile(budgetMs: number): Promise<HostileRow[]> {
  const model = new SoakModel();
  const bed = await startDiscordTestBed({ responder: model.respond });
  try {
    const { fake } = bed;
    const student = fake.addUser("soak-student");
    const tag = tagOf(900_000);
    model.answerWith(tag, "@everyone @here <@&1234567890> look!");
    const message = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> ${tag} What is 6 + 6?` });
    await within(bed.handled(message.id), budgetMs);
    const posts = webhookPostsTo(fake, message.id);
    const stored = fake.messagesIn(message.id).filter((m) => m.webhook_id !== undefined);
    const allowedNone = posts.length > 0 && posts.every((call) => JSON.stringify(bodyOf(call).allowed_mentions) === JSON.stringify({ parse: [] }));
    const pinged = stored.some((m) => m.mention_everyone || m.mention_roles.length > 0);
    const rows: HostileRow[] = [
      {
        input: 'model output with "@everyone", "@here" and a role mention (Discord)',
        outcome: `${posts.length} webhook posts, allowed_mentions ${allowedNone ? "{parse: []} on all" : "NOT empty"}; ${pinged ? "PINGED" : "nobody pinged"}`,
        asPromised: allowedNone && !pinged,
      },
    ];

    // A moderator where the command is typed (#general), a student where the thread lives (#homework).
    const moderator = fake.addUser("general-mod");
    const interaction = fake.slashCommand({ name: "history", user: moderator, channelId: bed.general, permissions: MODERATOR_PERMISSIONS, options: [channelOption("thread", message.id)] });
    const answered = await within(fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`)), budgetMs);
    const answer = answered ? JSON.stringify(fake.calls.find((c) => c.path.startsWith(`/interactions/${interaction.id}/`))?.body ?? {}) : "";
    const disclosed = answer.includes("What is 6 + 6?");
    rows.push({
      input: "forged /history thread: from a channel where the user moderates, of a thread in a channel where they do not",
      outcome: disclosed ? "transcript DISCLOSED" : `refused${answer === "" ? " (no answer)" : ""}`,
      asPromised: !disclosed,
    });
    return rows;
  } finally {
    await bed.close();
  }
}
