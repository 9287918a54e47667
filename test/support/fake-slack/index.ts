// The fake Slack: a strict Web API server, its workspace state, and the signed requests Slack sends to an app.

export { FakeSlack, type FakeSlackOptions, type RecordedCall, type RecordedResponse } from "./server.js";
export { FakeSocketMode, type Envelope, type EnvelopeAck } from "./socket-mode.js";
export type { Hold } from "../held-calls.js";
export type { FakeEphemeral } from "./response-urls.js";
export type { FakeSlackFileInput } from "./files.js";
export { FULL_SCOPES, type FakeSlackMessage, type FakeSlackUser, type FakeSlackIdentity } from "./world.js";
export {
  SlackEventSender,
  appMentionEvent,
  eventCallback,
  messageEvent,
  nextEventId,
  nextMessageTs,
  signSlackRequest,
  slashCommandBody,
  type SendOptions,
  type SentRequest,
} from "./signed-requests.js";
