import { describe, expect, it } from "vitest";
import { helpText, parseCli, UsageError } from "../src/args.ts";

describe("parseCli", () => {
  it("shows the main help without a command, for `help` and for -h", () => {
    expect(parseCli([])).toEqual({ kind: "help", topic: undefined });
    expect(parseCli(["help"])).toEqual({ kind: "help", topic: undefined });
    expect(parseCli(["--help"])).toEqual({ kind: "help", topic: undefined });
  });

  it("shows a command's help for `<cmd> --help` and `help <cmd>`", () => {
    expect(parseCli(["provision", "--help"])).toEqual({ kind: "help", topic: "provision" });
    expect(parseCli(["teardown", "-h"])).toEqual({ kind: "help", topic: "teardown" });
    expect(parseCli(["help", "status"])).toEqual({ kind: "help", topic: "status" });
  });

  it("parses each command and its own options", () => {
    expect(parseCli(["provision"])).toEqual({ kind: "provision" });
    expect(parseCli(["status"])).toEqual({ kind: "status", json: false });
    expect(parseCli(["status", "--json"])).toEqual({ kind: "status", json: true });
    expect(parseCli(["teardown"])).toEqual({ kind: "teardown", purge: false });
    expect(parseCli(["teardown", "--purge"])).toEqual({ kind: "teardown", purge: true });
  });

  it.each([
    [["deploy"], /unknown command "deploy"/],
    [["help", "deploy"], /unknown command "deploy"/],
    [["provision", "--purge"], /--purge is not an option of provision/],
    [["status", "--purge"], /--purge is not an option of status/],
    [["teardown", "--json"], /--json is not an option of teardown/],
    [["provision", "now"], /provision takes no arguments/],
    [["provision", "--fast"], /Unknown option '--fast'/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});

describe("helpText", () => {
  it("documents every command, the env file and the directories", () => {
    const main = helpText();
    for (const word of ["provision", "status", "teardown", "/var/lib/image-tooling/harness/env", "IMAGE_TOOLING_CACHE_DIR", "IMAGE_TOOLING_STATE_DIR"]) {
      expect(main).toContain(word);
    }
    expect(helpText("teardown")).toContain("--purge");
    expect(helpText("status")).toContain("--json");
    expect(helpText("provision")).toContain("dagger-binaries");
  });
});
