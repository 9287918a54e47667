// Slack runs the adapter contract suite (test/platforms/adapter.case.ts) over the fake Slack, replies streamed natively.

import { runAdapterContract } from "../adapter.case.js";
import { slackHarness } from "./slack-adapter-harness.js";

runAdapterContract(slackHarness);
