// Editing a stored message as Discord's Edit Message and Edit Webhook Message both do, once the route has found it.

import type { FakeGateway } from "./gateway.js";
import type { RouteResult } from "./rest-router.js";
import { validateEmbeds } from "./embeds.js";
import { messageAttachments, type UploadedFile } from "./uploads.js";
import { objectBody, parseAllowedMentions, validateMessageBody } from "./validation.js";
import type { FakeWorld, StoredMessage } from "./world.js";

/** Validates the edit's body and files, applies it, sends MESSAGE_UPDATE and answers 200 with the edited message. */
export function applyMessageEdit(
  world: FakeWorld,
  gateway: FakeGateway,
  message: StoredMessage,
  body: unknown,
  files: readonly UploadedFile[],
): RouteResult {
  const input = objectBody(body);
  const content = validateMessageBody(input, { editing: true });
  const attachments = messageAttachments({ attachments: input.attachments, files, existing: message.attachments, nextId: world.nextId, store: world.attachmentData });
  world.editMessage(message, {
    ...(input.content === undefined ? {} : { content }),
    ...(input.embeds === undefined ? {} : { embeds: validateEmbeds(input.embeds) }),
    ...(attachments === undefined ? {} : { attachments }),
    allowedMentions: parseAllowedMentions(input.allowed_mentions),
  });
  gateway.dispatchMessage("MESSAGE_UPDATE", message);
  return { status: 200, body: message };
}
