import { describe, expect, it } from "vitest";
import { formatDuration } from "../src/duration.ts";

describe("one duration format for every CLI", () => {
  it("milliseconds under a second, tenths of seconds under a minute", () => {
    expect(formatDuration(12)).toBe("12 ms");
    expect(formatDuration(849.6)).toBe("850 ms");
    expect(formatDuration(12_340)).toBe("12.3 s");
    expect(formatDuration(59_940)).toBe("59.9 s");
  });

  it("minutes and seconds, then hours, zero-padded", () => {
    expect(formatDuration(125_000)).toBe("2m05s");
    expect(formatDuration(190_000)).toBe("3m10s");
    expect(formatDuration(3_726_000)).toBe("1h02m06s");
  });
});
