// The Slack adapter's public surface: start it with typed settings; the formatting helpers are exported for reuse and tests.

export { startSlackBot, type SlackBot, type StartSlackBotOptions } from "./slack-bot.js";
export { DEFAULT_COMMAND_NAME, type SlackSettings } from "./settings.js";
export { SlackAdapterError, type SlackAdapterErrorCode } from "./errors.js";
export { SLACK_PLATFORM, SlackReplyPoster } from "./reply-poster.js";
export { markdownToMrkdwn, escapePlainText } from "./mrkdwn.js";
export { parseThreadLink, buildThreadLink } from "./thread-link.js";
