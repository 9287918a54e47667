// The fake Slack's Block Kit checks for the blocks Baton posts, as the Web API refuses them (invalid_blocks): at most 50
// blocks; header plain_text ≤150; section text ≤3000 or ≤10 fields of ≤2000; context ≤10 elements; text objects typed.

import { actionsBlockProblem, blockIdProblem } from "./action-blocks.js";

const KNOWN = new Set(["section", "header", "context", "divider", "actions", "image", "rich_text"]);

export const BLOCK_LIMITS = { blocks: 50, header: 150, sectionText: 3000, fields: 10, fieldText: 2000, contextElements: 10, imageAltText: 2000 } as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A text object's problem, or undefined when it is well formed. */
function textProblem(value: unknown, where: string, limit: number, only?: "plain_text"): string | undefined {
  if (!isRecord(value)) return `${where} must be a text object`;
  if (value.type !== "plain_text" && value.type !== "mrkdwn") return `${where}.type must be plain_text or mrkdwn`;
  if (only !== undefined && value.type !== only) return `${where}.type must be ${only}`;
  if (typeof value.text !== "string" || value.text.length === 0) return `${where}.text must be a non-empty string`;
  if (value.text.length > limit) return `${where}.text must be at most ${limit} characters`;
  if (value.type === "plain_text" && value.verbatim !== undefined) return `${where}: verbatim is only for mrkdwn`;
  if (value.type === "mrkdwn" && value.emoji !== undefined) return `${where}: emoji is only for plain_text`;
  return undefined;
}

function blockProblem(block: unknown, i: number): string | undefined {
  const where = `blocks[${i}]`;
  if (!isRecord(block) || typeof block.type !== "string" || !KNOWN.has(block.type)) return `${where}: unknown block type`;
  switch (block.type) {
    case "header":
      return textProblem(block.text, `${where}.text`, BLOCK_LIMITS.header, "plain_text");
    case "section": {
      if (block.text === undefined && block.fields === undefined) return `${where}: a section needs text or fields`;
      if (block.text !== undefined) {
        const problem = textProblem(block.text, `${where}.text`, BLOCK_LIMITS.sectionText);
        if (problem !== undefined) return problem;
      }
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length === 0 || block.fields.length > BLOCK_LIMITS.fields) {
          return `${where}.fields must hold 1 to ${BLOCK_LIMITS.fields} text objects`;
        }
        for (const [j, field] of block.fields.entries()) {
          const problem = textProblem(field, `${where}.fields[${j}]`, BLOCK_LIMITS.fieldText);
          if (problem !== undefined) return problem;
        }
      }
      return undefined;
    }
    case "context": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > BLOCK_LIMITS.contextElements) {
        return `${where}.elements must hold 1 to ${BLOCK_LIMITS.contextElements} elements`;
      }
      for (const [j, element] of elements.entries()) {
        const problem = textProblem(element, `${where}.elements[${j}]`, BLOCK_LIMITS.sectionText);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case "actions":
      return actionsBlockProblem(block, where);
    case "image":
      return imageProblem(block, where);
    default:
      return undefined;
  }
}

/** An image block: alt_text (≤ 2,000), and exactly one of image_url or slack_file ({ id } or { url }). */
function imageProblem(block: Record<string, unknown>, where: string): string | undefined {
  if (typeof block.alt_text !== "string" || block.alt_text.length === 0) return `${where}.alt_text must be a non-empty string`;
  if (block.alt_text.length > BLOCK_LIMITS.imageAltText) return `${where}.alt_text must be at most ${BLOCK_LIMITS.imageAltText} characters`;
  if ((block.image_url === undefined) === (block.slack_file === undefined)) return `${where}: an image needs exactly one of image_url or slack_file`;
  if (block.slack_file !== undefined) {
    const file = block.slack_file;
    if (!isRecord(file) || (typeof file.id !== "string") === (typeof file.url !== "string")) return `${where}.slack_file needs exactly one of id or url`;
  } else if (typeof block.image_url !== "string" || block.image_url.length > 3000) return `${where}.image_url must be a URL of at most 3000 characters`;
  if (block.title !== undefined) {
    const problem = textProblem(block.title, `${where}.title`, 2000, "plain_text");
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The slack_file ids of a message's image blocks (already well formed), with each block's index. */
export function slackFileIds(blocks: unknown): Array<{ id: string; index: number }> {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((block: unknown, index) => {
    if (!isRecord(block) || block.type !== "image" || !isRecord(block.slack_file) || typeof block.slack_file.id !== "string") return [];
    return [{ id: block.slack_file.id, index }];
  });
}

/** The problems Slack would list in response_metadata.messages for these blocks (empty: they are fine). */
export function blocksProblems(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ["blocks must be an array"];
  if (blocks.length > BLOCK_LIMITS.blocks) return [`no more than ${BLOCK_LIMITS.blocks} items allowed [json-pointer:/blocks]`];
  const ids = blockIdProblem(blocks);
  if (ids !== undefined) return [`[ERROR] ${ids} [json-pointer:/blocks]`];
  return blocks.flatMap((block, i) => {
    const problem = blockProblem(block, i);
    return problem === undefined ? [] : [`[ERROR] ${problem} [json-pointer:/blocks/${i}]`];
  });
}
