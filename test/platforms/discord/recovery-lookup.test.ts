// Recovery on Discord: a reply posted just before a crash (never marked sent) is found in the thread, not posted again.

import { afterEach, describe, expect, it } from "vitest";
import { startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** What a process killed between the post and marking it sent leaves behind: the row pending again. */
function forgetSent(bed: DiscordTestBed, outboxId: number): void {
  bed.service.db.prepare("UPDATE outbox SET status = 'pending', platform_message_id = NULL, sent_at = NULL WHERE id = ?").run(outboxId);
}

async function askInThread(bed: DiscordTestBed, text: string): Promise<string> {
  const student = bed.fake.addUser(`student${bed.fake.calls.length}`);
  const message = bed.fake.userSays({ channelId: bed.homework, author: student, content: `<@${bed.fake.botUser.id}> ${text}` });
  await bed.handled(message.id);
  return message.id;
}

describe("recovery lookups on Discord", () => {
  it("finds the webhook's own post of a pending reply by its content and marks it sent without posting", async () => {
    bed = await startDiscordTestBed();
    const thread = await askInThread(bed, "who was Cleopatra?");
    const outbox = bed.service.db.prepare("SELECT id, platform_message_id FROM outbox ORDER BY id").all() as Array<{ id: number; platform_message_id: string }>;
    expect(outbox).toHaveLength(2);
    for (const row of outbox) forgetSent(bed, row.id);
    const before = webhookPostsTo(bed.fake, thread).length;

    expect((await bed.service.service.recover()).replies).toBe(2);
    expect(webhookPostsTo(bed.fake, thread)).toHaveLength(before);
    expect(bed.fake.callsTo("GET", new RegExp(`^/channels/${thread}/messages$`)).length).toBeGreaterThanOrEqual(1);
    const after = bed.service.db.prepare("SELECT status, platform_message_id FROM outbox ORDER BY id").all();
    expect(after).toEqual(outbox.map((row) => ({ status: "sent", platform_message_id: row.platform_message_id })));
  });

  it("posts a pending reply that never reached the thread", async () => {
    bed = await startDiscordTestBed();
    const thread = await askInThread(bed, "who was Cleopatra?");
    const conversation = bed.service.store.findConversation({ platform: "discord", workspace: bed.fake.guildId, channel: bed.homework, thread })!;
    bed.service.store.enqueueNotice(conversation.id, { agentName: "history_tutor", text: "One more thing about Cleopatra." });
    const before = webhookPostsTo(bed.fake, thread).length;
    expect((await bed.service.service.recover()).replies).toBe(1);
    expect(webhookPostsTo(bed.fake, thread)).toHaveLength(before + 1);
    expect(bed.fake.messagesIn(thread).at(-1)?.content).toBe("One more thing about Cleopatra.");
  });
});
