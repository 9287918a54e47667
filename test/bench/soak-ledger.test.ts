// The soak's ledger: lost, doubled and out-of-order replies are counted from what the platform received.

import { describe, expect, it } from "vitest";
import { answerMark, tally, type ReceivedPost, type SentQuestion } from "../../bench/soak/ledger.js";

const NOTICE = "Sorry, the tutors are unavailable right now.";
const sent: SentQuestion[] = [
  { thread: "t1", tag: "Q000001" },
  { thread: "t1", tag: "Q000002" },
  { thread: "t2", tag: "Q000003" },
];
const routing = (thread: string, tag: string): ReceivedPost => ({ thread, author: "Triage", text: `Routing ${tag} to the math tutor.` });
const answer = (thread: string, tag: string): ReceivedPost => ({ thread, author: "Math Tutor", text: `${answerMark(tag)}: 2x.` });

describe("the soak ledger", () => {
  it("counts every question answered once, in order, as completed", () => {
    const received = [routing("t1", "Q000001"), answer("t1", "Q000001"), routing("t1", "Q000002"), answer("t1", "Q000002"), answer("t2", "Q000003")];
    expect(tally(sent, received, [NOTICE])).toEqual({ sent: 3, completed: 3, failedAndTold: 0, lost: 0, lostTags: [], duplicated: 0, outOfOrder: 0, notices: 0 });
  });

  it("counts a question with no answer and no notice as lost, even when its narration was posted", () => {
    const received = [routing("t1", "Q000001"), answer("t1", "Q000001"), routing("t1", "Q000002"), answer("t2", "Q000003")];
    expect(tally(sent, received, [NOTICE])).toMatchObject({ completed: 2, failedAndTold: 0, lost: 1, lostTags: ["Q000002"] });
  });

  it("counts a question whose thread got a failure notice as failed-and-told, one notice per question", () => {
    const received = [answer("t1", "Q000001"), { thread: "t1", author: "Triage", text: NOTICE }, { thread: "t2", author: "Triage", text: NOTICE }];
    expect(tally(sent, received, [NOTICE])).toMatchObject({ completed: 1, failedAndTold: 2, lost: 0, notices: 2 });
    // A notice in another thread tells nobody here.
    expect(tally(sent, [answer("t1", "Q000001"), answer("t1", "Q000002"), { thread: "t1", author: "Triage", text: NOTICE }], [NOTICE])).toMatchObject({ lost: 1 });
  });

  it("counts a reply posted twice, and an answer that overtook an earlier question's", () => {
    const twice = [routing("t1", "Q000001"), routing("t1", "Q000001"), answer("t1", "Q000001"), answer("t1", "Q000002"), answer("t2", "Q000003"), answer("t2", "Q000003")];
    expect(tally(sent, twice, [NOTICE])).toMatchObject({ completed: 3, duplicated: 2, lost: 0 });
    const overtaken = [answer("t1", "Q000002"), answer("t1", "Q000001"), answer("t2", "Q000003")];
    expect(tally(sent, overtaken, [NOTICE])).toMatchObject({ completed: 3, outOfOrder: 1 });
  });

  it("does not count an answer posted in the wrong thread", () => {
    expect(tally(sent, [answer("t1", "Q000001"), answer("t1", "Q000002"), answer("t1", "Q000003")], [NOTICE])).toMatchObject({ completed: 2, lost: 1 });
  });
});
