// The fake OpenAI server's request checks: rejects what the real chat.completions API rejects with a 400.

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
  if (!Array.isArray(tools)) return problem("Invalid type for 'tools': expected an array.", "tools", "invalid_type");
  if (tools.length === 0) {
    return problem(
      "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "tools",
      "empty_array",
    );
  }
  for (const [i, tool] of tools.entries()) {
    const param = `tools[${i}]`;
    if (!isRecord(tool) || tool.type !== "function" || !isRecord(tool.function)) {
      return problem(`Invalid '${param}': expected a function tool {type: 'function', function: {...}}.`, param);
    }
    const { name, description, parameters } = tool.function;
    if (typeof name !== "string") {
      return problem(`Missing required parameter: '${param}.function.name'.`, `${param}.function.name`, "missing_required_parameter");
    }
    if (!FUNCTION_NAME.test(name)) {
      return problem(`Invalid '${param}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, `${param}.function.name`, "invalid_value");
    }
    if (description !== undefined && typeof description !== "string") {
      return problem(`Invalid type for '${param}.function.description': expected a string.`, `${param}.function.description`, "invalid_type");
    }
    if (parameters !== undefined && (!isRecord(parameters) || parameters.type !== "object")) {
      return problem(`Invalid schema for function '${name}': schema must be a JSON Schema of 'type: "object"'.`, `${param}.function.parameters`, "invalid_function_parameters");
    }
  }
  return undefined;
}

function findMessagesProblem(messages: unknown): RequestProblem | undefined {
  if (messages === undefined) return problem("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  if (!Array.isArray(messages)) return problem("Invalid type for 'messages': expected an array.", "messages", "invalid_type");
  if (messages.length === 0) {
    return problem("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
  }
  // The ids of the latest assistant message's tool calls that no tool message has answered yet.
  let awaiting = new Set<string>();
  for (const [i, message] of messages.entries()) {
    const param = `messages.[${i}]`;
    if (!isRecord(message)) return problem(`Invalid type for '${param}': expected an object.`, param, "invalid_type");
    if (typeof message.role !== "string" || !ROLES.has(message.role)) {
      return problem(`Invalid value: '${String(message.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `${param}.role`);
    }
    if (message.role === "tool") {
      const answered = message.tool_call_id;
      if (typeof answered !== "string" || !awaiting.has(answered)) {
        return problem("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `${param}.role`, null);
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
  return problem(
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...awaiting].join(", ")}`,
    param,
    null,
  );
}

function findContentProblem(message: Json, param: string): RequestProblem | undefined {
  const { content } = message;
  const mayBeEmpty = message.role === "assistant" && Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
  if (content === undefined || content === null) {
    if (mayBeEmpty) return undefined;
    return content === undefined
      ? problem(`Missing required parameter: '${param}.content'.`, `${param}.content`, "missing_required_parameter")
      : problem(`Invalid type for '${param}.content': expected one of a string or array of objects, but got null instead.`, `${param}.content`, "invalid_type");
  }
  if (typeof content === "string") return undefined;
  if (Array.isArray(content) && content.every((part) => isRecord(part) && typeof part.type === "string")) return undefined;
  return problem(`Invalid type for '${param}.content': expected one of a string or array of objects.`, `${param}.content`, "invalid_type");
}

function findNameProblem(message: Json, param: string): RequestProblem | undefined {
  if (message.name === undefined) return undefined;
  if (typeof message.name === "string" && PARTICIPANT_NAME.test(message.name)) return undefined;
  return problem(`Invalid '${param}.name': string does not match pattern. Expected a string that matches the pattern '^[^\\s<|\\\\/>]+$'.`, `${param}.name`);
}

/** The ids the following tool messages must answer, or the problem with the calls. */
function readToolCalls(toolCalls: unknown, param: string): Set<string> | RequestProblem {
  if (!Array.isArray(toolCalls)) return problem(`Invalid type for '${param}.tool_calls': expected an array.`, `${param}.tool_calls`, "invalid_type");
  if (toolCalls.length === 0) {
    return problem(`Invalid '${param}.tool_calls': empty array. Expected an array with minimum length 1, but got an empty array instead.`, `${param}.tool_calls`, "empty_array");
  }
  const ids = new Set<string>();
  for (const [j, call] of toolCalls.entries()) {
    const at = `${param}.tool_calls.[${j}]`;
    if (!isRecord(call) || typeof call.id !== "string" || call.id === "" || call.type !== "function" || !isRecord(call.function)) {
      return problem(`Invalid '${at}': expected {id, type: 'function', function: {name, arguments}}.`, at);
    }
    if (typeof call.function.name !== "string" || !FUNCTION_NAME.test(call.function.name)) {
      return problem(`Invalid '${at}.function.name': string does not match pattern '^[a-zA-Z0-9_-]+$'.`, `${at}.function.name`);
    }
    if (typeof call.function.arguments !== "string") {
      return problem(`Invalid type for '${at}.function.arguments': expected a string.`, `${at}.function.arguments`, "invalid_type");
    }
    if (ids.has(call.id)) return problem(`Duplicate tool call id '${call.id}' in '${param}.tool_calls'.`, at);
    ids.add(call.id);
  }
  return ids;
}
