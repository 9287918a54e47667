// The fake OpenAI server's request checks: rejects what the real chat.completions API rejects with a 400.

import { findPartsProblem } from "./fake-openai-content.js";

export interface RequestProblem {
  readonly message: string;
  readonly param: string | null;
  readonly code: string | null;
}

/** What the real API enforces for function names (tools and tool calls). */
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** What the real API enforces for a message's participant `name`: no whitespace or markup characters. */
const PARTICIPANT_NAME = /^[^\s<|\\/>]+$/;
const ROLES = new Set(["system", "developer", "user", "assistant", "tool", "function"]);

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function problem(message: string, param: string | null, code: string | null = "invalid_value"): RequestProblem {
  return { message, param, code };
}

// The real API's wording for its most common refusals.
const missing = (param: string) => problem(`Missing required parameter: '${param}'.`, param, "missing_required_parameter");
const wrongType = (param: string, expected: string) =>
  problem(`Invalid type for '${param}': expected ${expected}.`, param, "invalid_type");
const emptyArray = (param: string) =>
  problem(`Invalid '${param}': empty array. Expected an array with minimum length 1, but got an empty array instead.`, param, "empty_array");
const mismatch = (param: string, pattern: string) =>
  problem(`Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '${pattern}'.`, param);

/** The first thing the real API would refuse in this body, or undefined when it would accept it. */
export function findRequestProblem(body: unknown, options: { modelRequired: boolean }): RequestProblem | undefined {
  if (!isRecord(body)) return problem("The request body must be a JSON object.", null, null);
  if (options.modelRequired && (typeof body.model !== "string" || body.model === "")) {
    return problem("you must provide a model parameter", "model", "missing_required_parameter");
  }
  if (body.stream_options !== undefined && body.stream !== true) {
    return problem("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
  }
  if (body.tool_choice !== undefined && body.tools === undefined) {
    return problem("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", "tool_choice");
  }
  return findToolsProblem(body.tools) ?? findMessagesProblem(body.messages);
}

function findToolsProblem(tools: unknown): RequestProblem | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return wrongType("tools", "an array");
  if (tools.length === 0) return emptyArray("tools");
  for (const [i, tool] of tools.entries()) {
    const param = `tools[${i}]`;
    if (!isRecord(tool) || tool.type !== "function" || !isRecord(tool.function)) {
      return problem(`Invalid '${param}': expected a function tool {type: 'function', function: {...}}.`, param);
    }
    const { name, description, parameters } = tool.function;
    if (typeof name !== "string") return missing(`${param}.function.name`);
    if (!FUNCTION_NAME.test(name)) return mismatch(`${param}.function.name`, FUNCTION_NAME.source);
    if (description !== undefined && typeof description !== "string") {
      return wrongType(`${param}.function.description`, "a string");
    }
    if (parameters !== undefined && (!isRecord(parameters) || parameters.type !== "object")) {
      const message = `Invalid schema for function '${name}': schema must be a JSON Schema of 'type: "object"'.`;
      return problem(message, `${param}.function.parameters`, "invalid_function_parameters");
    }
  }
  return undefined;
}

function findMessagesProblem(messages: unknown): RequestProblem | undefined {
  if (messages === undefined) return missing("messages");
  if (!Array.isArray(messages)) return wrongType("messages", "an array");
  if (messages.length === 0) return emptyArray("messages");
  // The ids of the latest assistant message's tool calls that no tool message has answered yet.
  let awaiting = new Set<string>();
  for (const [i, message] of messages.entries()) {
    const param = `messages.[${i}]`;
    if (!isRecord(message)) return wrongType(param, "an object");
    if (typeof message.role !== "string" || !ROLES.has(message.role)) {
      const supported = [...ROLES].map((role) => `'${role}'`).join(", ");
      return problem(`Invalid value: '${String(message.role)}'. Supported values are: ${supported}.`, `${param}.role`);
    }
    if (message.role === "tool") {
      const answered = message.tool_call_id;
      if (typeof answered !== "string" || !awaiting.has(answered)) {
        const message = "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
        return problem(message, `${param}.role`, null);
      }
      awaiting.delete(answered);
    } else if (awaiting.size > 0) {
      return unanswered(awaiting, param);
    }
    const found = findContentProblem(message, param) ?? findNameProblem(message, param);
    if (found !== undefined) return found;
    if (message.role === "assistant" && message.tool_calls !== undefined) {
      const calls = readToolCalls(message.tool_calls, param);
      if (!(calls instanceof Set)) return calls;
      awaiting = calls;
    }
  }
  return awaiting.size > 0 ? unanswered(awaiting, `messages.[${messages.length}]`) : undefined;
}

function unanswered(awaiting: ReadonlySet<string>, param: string): RequestProblem {
  const message =
    "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
    `The following tool_call_ids did not have response messages: ${[...awaiting].join(", ")}`;
  return problem(message, param, null);
}

function findContentProblem(message: Json, param: string): RequestProblem | undefined {
  const { content } = message;
  const mayBeEmpty = message.role === "assistant" && Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
  if (content === undefined || content === null) {
    if (mayBeEmpty) return undefined;
    return content === undefined
      ? missing(`${param}.content`)
      : wrongType(`${param}.content`, "one of a string or array of objects, but got null instead");
  }
  if (typeof content === "string") return undefined;
  if (Array.isArray(content)) return findPartsProblem(String(message.role), content, param);
  return wrongType(`${param}.content`, "one of a string or array of objects");
}

function findNameProblem(message: Json, param: string): RequestProblem | undefined {
  if (message.name === undefined) return undefined;
  if (typeof message.name === "string" && PARTICIPANT_NAME.test(message.name)) return undefined;
  return mismatch(`${param}.name`, PARTICIPANT_NAME.source);
}

/** The ids the following tool messages must answer, or the problem with the calls. */
function readToolCalls(toolCalls: unknown, param: string): Set<string> | RequestProblem {
  if (!Array.isArray(toolCalls)) return wrongType(`${param}.tool_calls`, "an array");
  if (toolCalls.length === 0) return emptyArray(`${param}.tool_calls`);
  const ids = new Set<string>();
  for (const [j, call] of toolCalls.entries()) {
    const at = `${param}.tool_calls.[${j}]`;
    if (!isRecord(call) || typeof call.id !== "string" || call.id === "" || call.type !== "function") {
      return problem(`Invalid '${at}': expected {id, type: 'function', function: {name, arguments}}.`, at);
    }
    if (!isRecord(call.function)) return wrongType(`${at}.function`, "an object");
    if (typeof call.function.name !== "string" || !FUNCTION_NAME.test(call.function.name)) {
      return mismatch(`${at}.function.name`, FUNCTION_NAME.source);
    }
    if (typeof call.function.arguments !== "string") return wrongType(`${at}.function.arguments`, "a string");
    if (ids.has(call.id)) return problem(`Duplicate tool call id '${call.id}' in '${param}.tool_calls'.`, at);
    ids.add(call.id);
  }
  return ids;
}
