// Discord runs the adapter contract suite (test/platforms/adapter.case.ts) over the fake Discord.

import { runAdapterContract } from "../adapter.case.js";
import { discordHarness } from "./discord-adapter-harness.js";

runAdapterContract(discordHarness);
