// `node --import ./bench/compiled.mjs bench/run.ts`: the bench's TypeScript loaded as tsc emits it, not through tsx.
//
// Production runs tsc's output (the Docker image runs `node dist/main.js`; the library is imported from `dist/`). tsx
// compiles with esbuild's keepNames, which wraps every named function and closure in `__name(fn, "name")`, an
// Object.defineProperty each time one is created: about a sixth of the service's CPU in a burst of turns, a cost the
// shipped code does not have. See docs/performance.md, "What runs".
import { register } from "node:module";

register("./compiled-hooks.mjs", import.meta.url);
