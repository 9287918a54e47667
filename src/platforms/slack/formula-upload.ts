// Display math for Slack: each PNG uploaded privately (files.getUploadURLExternal, a POST of the bytes,
// files.completeUploadExternal with no channel), then shown by `image` blocks (slack_file) in the agent's own message.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import { formulaAltText, type FormulaImage } from "../common/reply-math.js";
import { neededScopeOf, slackErrorOf } from "./errors.js";

/** A formula Slack holds as a private file, ready for an image block. */
export interface UploadedFormula {
  readonly fileId: string;
  readonly tex: string;
}

/** getUploadURLExternal's alt_txt limit; an image block's alt_text may hold 2,000. */
const UPLOAD_ALT_LIMIT = 1000;
const BLOCK_ALT_LIMIT = 2000;
/** A section block's text limit: a longer reply part goes in several sections. */
const SECTION_LIMIT = 3000;

export interface FormulaUploadOptions {
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  /** Upload URLs are fetched with this (tests: the global fetch against the fake). */
  readonly fetch?: typeof fetch;
}

/**
 * Uploads the images and completes them in one call; resolves to what Slack now holds, or to nothing when any step
 * fails (missing files:write, a refused upload): the reply then goes out with each formula's TeX alone.
 */
export async function uploadFormulas(options: FormulaUploadOptions, images: readonly FormulaImage[], context: { replyId: number }): Promise<UploadedFormula[]> {
  if (images.length === 0) return [];
  const { client, logger } = options;
  const post = options.fetch ?? fetch;
  try {
    const files: Array<{ id: string; title: string; tex: string }> = [];
    for (const image of images) {
      const ticket = await client.files.getUploadURLExternal({ filename: image.name, length: image.png.byteLength, alt_text: formulaAltText(image, UPLOAD_ALT_LIMIT) });
      if (ticket.upload_url === undefined || ticket.file_id === undefined) throw new Error("files.getUploadURLExternal gave no upload_url");
      const uploaded = await post(ticket.upload_url, { method: "POST", body: image.png, headers: { "content-type": "application/octet-stream" } });
      // The body is Slack's short "OK - <length>"; read it so the connection is released.
      await uploaded.text();
      if (!uploaded.ok) throw new Error(`the upload of ${image.name} was answered ${uploaded.status}`);
      files.push({ id: ticket.file_id, title: image.name, tex: image.tex });
    }
    // No channel: the files stay private to the app, shown only through the reply's image blocks.
    await client.files.completeUploadExternal({ files: files.map(({ id, title }) => ({ id, title })) as [{ id: string; title: string }] });
    return files.map(({ id, tex }) => ({ fileId: id, tex }));
  } catch (error) {
    const slackError = slackErrorOf(error);
    logger.warn(
      { replyId: context.replyId, slackError, needed: neededScopeOf(error), err: slackError === undefined ? error : undefined },
      slackError === "missing_scope"
        ? "slack: cannot upload the formula images without the files:write scope (slack/manifest.yml); the reply goes out with each formula's TeX"
        : "slack: the formula images could not be uploaded; the reply goes out with each formula's TeX",
    );
    return [];
  }
}

/** The blocks of a reply part with images: its mrkdwn in sections (the same words as `text`), then one image each. */
export function formulaBlocks(mrkdwn: string, formulas: readonly UploadedFormula[]): webApi.KnownBlock[] {
  const sections = sectionTexts(mrkdwn).map((text): webApi.KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } }));
  const images = formulas.map(
    (formula): webApi.KnownBlock => ({ type: "image", slack_file: { id: formula.fileId }, alt_text: formulaAltText({ tex: formula.tex }, BLOCK_ALT_LIMIT) }),
  );
  return [...sections, ...images];
}

/** Cuts text into section-sized pieces at line ends (at a space or anywhere, for a line longer than a section). */
function sectionTexts(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > SECTION_LIMIT) {
    let cut = rest.lastIndexOf("\n", SECTION_LIMIT);
    if (cut <= 0) cut = rest.lastIndexOf(" ", SECTION_LIMIT);
    if (cut <= 0) cut = SECTION_LIMIT;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  if (rest.trim() !== "") out.push(rest);
  return out;
}
