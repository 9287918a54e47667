// The history window as the engine gets it: stored messages with their attachments as contents, images bounded.

import { toChatMessage } from "./message-mapping.js";
import type { KeptAttachment, WindowMessage } from "./store-records.js";
import { DataContent, TextContent, type AIContent } from "../workflow/contents.js";
import { ChatMessage } from "../workflow/messages.js";

/**
 * Only the newest `maxImages` images stay image parts; older ones become "[image: worksheet.png]", so a long thread of
 * photos costs no more than a few. A document's text follows the message's own text, under its name.
 */
export function windowMessages(window: readonly WindowMessage[], attachments: readonly KeptAttachment[], maxImages: number): ChatMessage[] {
  const byMessage = new Map<number, KeptAttachment[]>();
  for (const item of attachments) {
    if (item.origin !== "upload") continue;
    const list = byMessage.get(item.messageId) ?? [];
    list.push(item);
    byMessage.set(item.messageId, list);
  }
  // Newest first: which images keep their pixels.
  let imagesLeft = maxImages;
  const seen = new Set<number>();
  for (let i = window.length - 1; i >= 0; i -= 1) {
    for (const item of [...(byMessage.get(window[i]!.id) ?? [])].reverse()) {
      if (item.kind !== "image") continue;
      if (imagesLeft > 0) seen.add(item.id);
      imagesLeft -= 1;
    }
  }
  return window.map((stored) => {
    const items = byMessage.get(stored.id);
    if (items === undefined || stored.role !== "user") return toChatMessage(stored);
    const contents: AIContent[] = stored.text === "" ? [] : [new TextContent(stored.text)];
    for (const item of items) contents.push(contentOf(item, seen.has(item.id), contents.length > 0));
    const plain = toChatMessage(stored);
    return new ChatMessage("user", contents, {
      ...(plain.authorName === undefined ? {} : { authorName: plain.authorName }),
      ...(plain.userId === undefined ? {} : { userId: plain.userId }),
      createdAt: stored.createdAt,
    });
  });
}

function contentOf(item: KeptAttachment, keepImage: boolean, afterOther: boolean): AIContent {
  const gap = afterOther ? "\n\n" : "";
  if (item.kind === "image") {
    if (!keepImage) return new TextContent(`${gap}[image: ${item.fileName}]`);
    return new DataContent(item.data, item.mediaType, {
      name: item.fileName,
      ...(item.width === undefined ? {} : { width: item.width }),
      ...(item.height === undefined ? {} : { height: item.height }),
    });
  }
  return new TextContent(`${gap}[file: ${item.fileName}]\n${item.extractedText ?? ""}`);
}
