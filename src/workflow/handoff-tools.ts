// The handoff functions' names (one per declared edge, `handoff_to_<target>`) and how their arguments are read.

import type { ToolCall } from "./messages.js";

export const HANDOFF_PREFIX = "handoff_to_";

export function handoffFunctionName(target: string): string {
  return `${HANDOFF_PREFIX}${target}`;
}

export function isHandoffCall(name: string): boolean {
  return name.startsWith(HANDOFF_PREFIX);
}

/** Reads the optional `reason` argument; malformed JSON from a model is tolerated (the handoff still counts). */
export function handoffReason(call: ToolCall): string {
  if (call.arguments.trim() === "") return "";
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    if (parsed !== null && typeof parsed === "object" && "reason" in parsed) {
      const reason = (parsed as { reason: unknown }).reason;
      return typeof reason === "string" ? reason : "";
    }
  } catch {
    // A malformed argument string is the model's slip; the call's name alone says where to go.
  }
  return "";
}
