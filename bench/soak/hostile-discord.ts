// Hostile inputs over Discord: pings in the model's output, and a moderator of one channel reading another channel's thread.

import { OverwriteType, PermissionFlagsBits } from "discord.js";
import { channelOption } from "../../test/support/fake-discord/index.js";
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
    const generalMods = fake.addRole("General moderators", 0n);
    fake.setOverwrite(bed.general, { id: generalMods.id, type: OverwriteType.Role, allow: PermissionFlagsBits.ManageMessages.toString(), deny: "0" });
    const moderator = fake.addUser("general-mod", { roles: [generalMods.id] });
    const history = async (user: typeof moderator): Promise<string> => {
      const interaction = fake.slashCommand({ name: "history", user, channelId: bed.general, options: [channelOption("thread", message.id)] });
      const matches = (c: { path: string }): boolean => c.path.startsWith(`/interactions/${interaction.id}/`);
      if (!(await within(fake.waitForCall(matches), budgetMs))) return "";
      return JSON.stringify(fake.calls.find(matches)?.body ?? {});
    };
    const disclosed = (await history(moderator)).includes("What is 6 + 6?");
    // The control: a moderator of #homework does read it, so a refusal above is the check and not a broken command.
    const homeworkMods = fake.addRole("Homework moderators", 0n);
    fake.setOverwrite(bed.homework, { id: homeworkMods.id, type: OverwriteType.Role, allow: PermissionFlagsBits.ManageMessages.toString(), deny: "0" });
    const control = (await history(fake.addUser("homework-mod", { roles: [homeworkMods.id] }))).includes("What is 6 + 6?");
    rows.push({
      input: "forged /history thread: from a channel where the user moderates, of a thread in a channel where they do not",
      outcome: `${disclosed ? "transcript DISCLOSED" : "refused"}; a moderator of the thread's channel reads it: ${control ? "yes" : "NO"}`,
      asPromised: !disclosed && control,
    });
    return rows;
  } finally {
    await bed.close();
  }
}
