import { describe, expect, it } from "vitest";
import { formatRate, successSummary } from "./success-rate";

const quiet = () => Array.from({ length: 24 }, () => ({ finished: 0, succeeded: 0 }));

describe("24-hour success rate", () => {
  it("formats the rate, whole at 0% and 100%", () => {
    expect(formatRate(0, 0)).toBeNull();
    expect(formatRate(0, 12)).toBe("0%");
    expect(formatRate(12, 12)).toBe("100%");
    expect(formatRate(120, 130)).toBe("92.3%");
  });

  it("says the rate, the counts and the hours with failures", () => {
    expect(successSummary(quiet())).toBe("No finished deliveries in the last 24 hours");
    const hours = quiet();
    hours[3] = { finished: 100, succeeded: 100 };
    hours[20] = { finished: 30, succeeded: 20 };
    hours[23] = { finished: 1, succeeded: 0 };
    expect(successSummary(hours)).toBe("91.6% succeeded in the last 24 hours (120 of 131 deliveries), 2 hours with failures");
    expect(successSummary([{ finished: 1, succeeded: 1 }])).toBe("100% succeeded in the last 24 hours (1 of 1 delivery), no hour with failures");
  });
});
