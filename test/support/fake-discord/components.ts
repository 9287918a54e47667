// Message components as the real API checks them (action rows of buttons) and what a click on one may reference.

import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow } from "discord.js";
import { invalidFormBody } from "./api-errors.js";

export type StoredActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;

const MAX_ROWS = 5;
const MAX_BUTTONS_PER_ROW = 5;
const CUSTOM_ID_LIMIT = 100;
const LABEL_LIMIT = 80;
const URL_LIMIT = 512;

/**
 * Validates `components` of a message body (legacy components: action rows of buttons, the only kind Baton sends) and
 * returns them as stored. Discord refuses more than 5 rows or 5 buttons a row, a custom_id over 100 characters or used
 * twice in a message, a label over 80, a link button without a url or with a custom_id, any other without a custom_id.
 */
export function validateComponents(value: unknown): StoredActionRow[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidFormBody("components", "BASE_TYPE_LIST", "Must be a list.");
  if (value.length > MAX_ROWS) throw invalidFormBody("components", "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_ROWS} or fewer in length.`);
  const seen = new Set<string>();
  return value.map((row: unknown, r) => {
    const rowObject = objectAt(row, `components.${r}`);
    if (rowObject.type !== ComponentType.ActionRow) throw invalidFormBody(`components.${r}.type`, "COMPONENT_TYPE_INVALID", "The specified component type is invalid in this context");
    const children = rowObject.components;
    if (!Array.isArray(children) || children.length === 0 || children.length > MAX_BUTTONS_PER_ROW) {
      throw invalidFormBody(`components.${r}.components`, "BASE_TYPE_BAD_LENGTH", `Must be between 1 and ${MAX_BUTTONS_PER_ROW} in length.`);
    }
    children.forEach((child: unknown, c) => {
      const at = `components.${r}.components.${c}`;
      const button = objectAt(child, at);
      if (button.type !== ComponentType.Button) throw invalidFormBody(`${at}.type`, "COMPONENT_TYPE_INVALID", "The specified component type is invalid in this context");
      if (typeof button.label === "string" && button.label.length > LABEL_LIMIT) {
        throw invalidFormBody(`${at}.label`, "BASE_TYPE_MAX_LENGTH", `Must be ${LABEL_LIMIT} or fewer in length.`);
      }
      if (button.style === ButtonStyle.Link) {
        if (typeof button.url !== "string" || button.url.length > URL_LIMIT) throw invalidFormBody(`${at}.url`, "BASE_TYPE_REQUIRED", "This field is required");
        if (button.custom_id !== undefined) throw invalidFormBody(`${at}.custom_id`, "BUTTON_COMPONENT_LINK_HAS_CUSTOM_ID", "A link button cannot have a custom id");
        return;
      }
      if (typeof button.custom_id !== "string" || button.custom_id.length === 0) throw invalidFormBody(`${at}.custom_id`, "BASE_TYPE_REQUIRED", "This field is required");
      if (button.custom_id.length > CUSTOM_ID_LIMIT) throw invalidFormBody(`${at}.custom_id`, "BASE_TYPE_MAX_LENGTH", `Must be ${CUSTOM_ID_LIMIT} or fewer in length.`);
      if (seen.has(button.custom_id)) throw invalidFormBody(`${at}.custom_id`, "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated");
      seen.add(button.custom_id);
      if (button.url !== undefined) throw invalidFormBody(`${at}.url`, "BUTTON_COMPONENT_URL_NOT_ALLOWED", "Only link buttons can have a url");
    });
    return rowObject as unknown as StoredActionRow;
  });
}

/** The clickable (non-link, enabled) button with this custom_id on a message, if any: what a click can come from. */
export function clickableButton(rows: readonly StoredActionRow[], customId: string): boolean {
  return rows.some((row) =>
    row.components.some(
      (component) =>
        component.type === ComponentType.Button && "custom_id" in component && component.custom_id === customId && component.disabled !== true,
    ),
  );
}

function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidFormBody(field, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
  }
  return value as Record<string, unknown>;
}
