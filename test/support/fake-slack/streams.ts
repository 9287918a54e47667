// The fake Slack's streaming methods (chat.startStream, chat.appendStream, chat.stopStream), as strict as Slack's docs:
// a stream is a thread reply, needs its recipient outside DMs, takes at most 12,000 characters of markdown_text per call,
// and once stopped (or expired by the platform) refuses appends and stops with message_not_in_streaming_state.

import {
  authorshipOf,
  blocksProblem,
  channelProblem,
  fail,
  json,
  MAX_MARKDOWN_TEXT,
  messageJson,
  missingScope,
  text,
  type MethodHandler,
  type Params,
  type SlackAnswer,
} from "./methods.js";
import type { FakeSlackMessage, FakeWorld } from "./world.js";

const TS = /^\d+(\.\d+)?$/;

const missingArgument = (name: string): SlackAnswer => fail("invalid_arguments", { response_metadata: { messages: [`[ERROR] missing required field: ${name}`] } });

/** markdown_text is optional on start and stop, required on append; whatever is sent must fit Slack's limit. */
function markdownProblem(params: Params, required: boolean): SlackAnswer | undefined {
  const markdown = text(params, "markdown_text");
  if (markdown === undefined || markdown === "") return required && params.chunks === undefined ? fail("no_text") : undefined;
  if (markdown.length > MAX_MARKDOWN_TEXT) return fail("msg_too_long");
  return undefined;
}

/** The stream a call names: the message must exist, be the app's, and still be streaming. */
function streamingMessage(params: Params, world: FakeWorld): FakeSlackMessage | SlackAnswer {
  const channel = text(params, "channel");
  const problem = missingScope(world, "chat:write") ?? channelProblem(world, channel, false);
  if (problem !== undefined) return problem;
  const ts = text(params, "ts");
  if (ts === undefined || ts === "") return missingArgument("ts");
  const message = world.findMessage(channel ?? "", ts);
  if (message === undefined || message.user !== world.identity.botUserId) return fail("message_not_found");
  if (message.stream?.state !== "streaming") return fail("message_not_in_streaming_state");
  return message;
}

const isAnswer = (value: FakeSlackMessage | SlackAnswer): value is SlackAnswer => "ok" in value;

const startStream: MethodHandler = (params, world, options) => {
  const channel = text(params, "channel");
  const problem = missingScope(world, "chat:write") ?? channelProblem(world, channel, true);
  if (problem !== undefined) return problem;
  const threadTs = text(params, "thread_ts");
  if (threadTs === undefined || threadTs === "") return missingArgument("thread_ts");
  if (!TS.test(threadTs)) return fail("invalid_thread_ts");
  // Outside a DM the stream is shown to one person, who must be named with their team.
  const recipientUserId = text(params, "recipient_user_id");
  const recipientTeamId = text(params, "recipient_team_id");
  const isDm = (channel ?? "").startsWith("D");
  if (!isDm && (recipientUserId === undefined || recipientUserId === "")) return fail("missing_recipient_user_id");
  if (!isDm && (recipientTeamId === undefined || recipientTeamId === "")) return fail("missing_recipient_team_id");
  if (recipientUserId !== undefined && recipientUserId !== "" && !world.users.has(recipientUserId)) return fail("user_not_found");
  if (recipientTeamId !== undefined && recipientTeamId !== "" && recipientTeamId !== world.identity.teamId) return fail("team_not_found");
  const markdown = markdownProblem(params, false);
  if (markdown !== undefined) return markdown;
  const authorship = authorshipOf(params, world, options);
  if ("ok" in authorship) return authorship;
  const first = text(params, "markdown_text") ?? "";
  const message: FakeSlackMessage = {
    channel: channel ?? "",
    ts: world.nextTs(),
    threadTs,
    text: first,
    user: world.identity.botUserId,
    botId: world.identity.botId,
    ...(authorship.username === undefined ? {} : { username: authorship.username }),
    ...(authorship.iconEmoji === undefined ? {} : { iconEmoji: authorship.iconEmoji }),
    ...(authorship.iconUrl === undefined ? {} : { iconUrl: authorship.iconUrl }),
    edits: [],
    stream: {
      state: "streaming",
      ...(recipientUserId === undefined || recipientTeamId === undefined ? {} : { recipient: { userId: recipientUserId, teamId: recipientTeamId } }),
      chunks: first === "" ? [] : [first],
    },
  };
  world.messages.push(message);
  return { ok: true, channel: message.channel, ts: message.ts };
};

const appendStream: MethodHandler = (params, world) => {
  const message = streamingMessage(params, world);
  if (isAnswer(message)) return message;
  const markdown = markdownProblem(params, true);
  if (markdown !== undefined) return markdown;
  const appended = text(params, "markdown_text") ?? "";
  message.text += appended;
  message.stream!.chunks.push(appended);
  return { ok: true, channel: message.channel, ts: message.ts };
};

const stopStream: MethodHandler = (params, world) => {
  const message = streamingMessage(params, world);
  if (isAnswer(message)) return message;
  const markdown = markdownProblem(params, false);
  if (markdown !== undefined) return markdown;
  const metadata = json(params, "metadata");
  if (metadata.invalid) return fail("invalid_metadata_format");
  // The blocks rendered at the bottom of the finished message are checked as a post's are.
  const blocks = blocksProblem(params, world);
  if (blocks !== undefined) return blocks;
  const last = text(params, "markdown_text") ?? "";
  if (last !== "") {
    message.text += last;
    message.stream!.chunks.push(last);
  }
  if (message.text.trim() === "") return fail("no_text");
  if (metadata.value !== undefined) message.metadata = metadata.value;
  const added = json(params, "blocks").value;
  if (Array.isArray(added) && added.length > 0) message.blocks = added;
  message.stream!.state = "stopped";
  return { ok: true, channel: message.channel, ts: message.ts, message: messageJson(message) };
};

/** Methods called with the bot token, besides methods.ts's. */
export const STREAM_METHODS: Readonly<Record<string, MethodHandler>> = {
  "chat.startStream": startStream,
  "chat.appendStream": appendStream,
  "chat.stopStream": stopStream,
};
