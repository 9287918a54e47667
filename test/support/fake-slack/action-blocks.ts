// The fake Slack's checks of interactive blocks (an actions block of buttons), and the block_actions payload Slack
// sends an app when a person clicks one of those buttons.

/** Slack: at most 25 elements in an actions block; a button's text ≤75, action_id ≤255, value ≤2000, url ≤3000. */
export const ACTION_LIMITS = { elements: 25, buttonText: 75, actionId: 255, value: 2000, url: 3000, blockId: 255 } as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An actions block's problem, or undefined when it is well formed (its action_ids unique within it). */
export function actionsBlockProblem(block: Record<string, unknown>, where: string): string | undefined {
  const elements = block.elements;
  if (!Array.isArray(elements) || elements.length === 0 || elements.length > ACTION_LIMITS.elements) {
    return `${where}.elements must hold 1 to ${ACTION_LIMITS.elements} elements`;
  }
  const ids = new Set<string>();
  for (const [j, element] of elements.entries()) {
    const at = `${where}.elements[${j}]`;
    if (!isRecord(element) || element.type !== "button") return `${at}: only buttons are checked by this fake`;
    const text = element.text;
    if (!isRecord(text) || text.type !== "plain_text" || typeof text.text !== "string" || text.text.length === 0) return `${at}.text must be a plain_text object`;
    if (text.text.length > ACTION_LIMITS.buttonText) return `${at}.text.text must be at most ${ACTION_LIMITS.buttonText} characters`;
    if (element.action_id !== undefined) {
      if (typeof element.action_id !== "string" || element.action_id.length > ACTION_LIMITS.actionId) return `${at}.action_id must be at most ${ACTION_LIMITS.actionId} characters`;
      if (ids.has(element.action_id)) return `${at}.action_id must be unique within the block`;
      ids.add(element.action_id);
    }
    if (element.value !== undefined && (typeof element.value !== "string" || element.value.length > ACTION_LIMITS.value)) return `${at}.value must be at most ${ACTION_LIMITS.value} characters`;
    if (element.url !== undefined && (typeof element.url !== "string" || element.url.length > ACTION_LIMITS.url)) return `${at}.url must be at most ${ACTION_LIMITS.url} characters`;
    if (element.style !== undefined && element.style !== "primary" && element.style !== "danger") return `${at}.style must be primary or danger`;
  }
  return undefined;
}

/** The block_id problem of a message's blocks: each ≤255 characters and used once. */
export function blockIdProblem(blocks: readonly unknown[]): string | undefined {
  const seen = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    if (!isRecord(block) || block.block_id === undefined) continue;
    if (typeof block.block_id !== "string" || block.block_id.length === 0 || block.block_id.length > ACTION_LIMITS.blockId) return `blocks[${i}].block_id must be 1 to ${ACTION_LIMITS.blockId} characters`;
    if (seen.has(block.block_id)) return `blocks[${i}].block_id must be unique in the message`;
    seen.add(block.block_id);
  }
  return undefined;
}

export interface ClickedButton {
  readonly blockId: string;
  readonly element: Readonly<Record<string, unknown>>;
}

/** The button with this action_id in the blocks (an actions block's element), if a person could click it. */
export function findButton(blocks: readonly unknown[] | undefined, actionId: string): ClickedButton | undefined {
  for (const [i, block] of (blocks ?? []).entries()) {
    if (!isRecord(block) || block.type !== "actions" || !Array.isArray(block.elements)) continue;
    for (const element of block.elements) {
      if (isRecord(element) && element.type === "button" && element.action_id === actionId && element.url === undefined) {
        // Slack generates a block_id when the app gave none.
        return { blockId: typeof block.block_id === "string" ? block.block_id : `generated-${i}`, element };
      }
    }
  }
  return undefined;
}

export interface BlockActionsInit {
  readonly teamId: string;
  readonly teamDomain: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly channelId: string;
  readonly messageTs: string;
  readonly isEphemeral: boolean;
  readonly responseUrl: string;
  readonly button: ClickedButton;
  readonly message?: Readonly<Record<string, unknown>>;
}

/** The block_actions payload of one button click, with the fields Slack sends (docs: block_actions payload). */
export function blockActionsPayload(init: BlockActionsInit): Record<string, unknown> {
  const now = Date.now() / 1000;
  const { element } = init.button;
  return {
    type: "block_actions",
    user: { id: init.user.id, username: init.user.name, name: init.user.name, team_id: init.teamId },
    api_app_id: "A0BATON",
    token: "deprecated-verification-token",
    container: { type: "message", message_ts: init.messageTs, channel_id: init.channelId, is_ephemeral: init.isEphemeral },
    trigger_id: `${Math.floor(now)}.fakeTrigger.${Math.random().toString(36).slice(2)}`,
    team: { id: init.teamId, domain: init.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: init.channelId, name: "homework-help" },
    // Slack leaves the message out of a click on an ephemeral message.
    ...(init.message === undefined ? {} : { message: init.message }),
    state: { values: {} },
    response_url: init.responseUrl,
    actions: [
      {
        type: "button",
        action_id: element.action_id,
        block_id: init.button.blockId,
        text: element.text,
        ...(element.value === undefined ? {} : { value: element.value }),
        ...(element.style === undefined ? {} : { style: element.style }),
        action_ts: now.toFixed(6),
      },
    ],
  };
}
