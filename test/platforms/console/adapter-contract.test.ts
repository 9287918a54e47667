// The console runs the adapter contract suite (test/platforms/adapter.case.ts): the plain chat in process, `baton chat`
// as a child for the crash. It cannot edit what it printed, ping anyone, be sent an event twice or refuse an edit.

import { runAdapterContract } from "../adapter.case.js";
import { consoleHarness } from "./console-adapter-harness.js";

runAdapterContract(consoleHarness);
