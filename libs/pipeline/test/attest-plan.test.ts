import { describe, expect, it } from "vitest";
import { describeWork, missingWork, nothingToDo } from "../src/attest/plan.ts";
import { factsFromLabels } from "../src/attest/provenance.ts";

const D = (c: string) => `sha256:${c.repeat(64)}`;
const platforms = { "linux/amd64": D("1"), "linux/arm64": D("2") };

describe("what a digest still needs", () => {
  it("everything, when nothing is attached", () => {
    expect(missingWork({ sbom: {} }, platforms)).toEqual({ sign: true, provenance: true, sbom: ["linux/amd64", "linux/arm64"] });
  });
  it("only what is missing: a signed digest with one SBOM gets the other SBOM and provenance, no second signature", () => {
    const w = missingWork({ signature: D("a"), sbom: { [D("1")]: D("b") } }, platforms);
    expect(w).toEqual({ sign: false, provenance: true, sbom: ["linux/arm64"] });
    expect(describeWork(w, Object.keys(platforms), "key")).toBe("complete what is missing: SBOM for linux/arm64, provenance — key");
  });
  it("a new digest gets all three; an index merged from staged platforms only its signature and provenance (their SBOMs came with their stages)", () => {
    expect(describeWork("new", Object.keys(platforms), "key")).toBe("sign the index, SBOM (SPDX 2.3) for linux/amd64 + linux/arm64, SLSA v1 provenance — key");
    expect(describeWork("merged", Object.keys(platforms), "key")).toBe("sign the index, SLSA v1 provenance — key");
  });
  it("nothing, when all are attached (an SBOM of another digest does not count)", () => {
    const complete = { signature: D("a"), provenance: D("c"), sbom: { [D("1")]: D("b"), [D("2")]: D("d") } };
    expect(nothingToDo(missingWork(complete, platforms))).toBe(true);
    expect(describeWork(missingWork(complete, platforms), [], "key")).toBe("signature, SBOMs and provenance present: nothing to add");
    expect(missingWork({ ...complete, sbom: { [D("9")]: D("b") } }, platforms).sbom).toEqual(["linux/amd64", "linux/arm64"]);
  });
});

describe("provenance facts from the image's labels", () => {
  const rest = {
    image: "i",
    version: "1.0.0",
    channel: "release" as const,
    ref: "r@x",
    packageRoot: "packages/i",
    locks: [],
    pipelineVersion: "p",
    daggerVersion: "0.21.8",
    startedOn: "s",
    finishedOn: "f",
    parent: true,
  };
  it("reads revision, source, base and inputs digest", () => {
    const labels = {
      "org.opencontainers.image.revision": "abc",
      "org.opencontainers.image.source": "https://github.com/acme/images",
      "org.opencontainers.image.base.name": "reg/ns/parent:1.0.0",
      "org.opencontainers.image.base.digest": D("f"),
      "dev.image-tooling.inputs.digest": D("0"),
    };
    expect(factsFromLabels(labels, "dev.image-tooling.inputs.digest", rest)).toMatchObject({
      revision: "abc",
      sourceUrl: "https://github.com/acme/images",
      inputsDigest: D("0"),
      base: { name: "reg/ns/parent:1.0.0", digest: D("f"), parent: true },
    });
  });
  it("refuses an image this pipeline did not label, naming the labels", () => {
    expect(() => factsFromLabels({}, "dev.image-tooling.inputs.digest", rest)).toThrow(
      /r@x has no label org.opencontainers.image.revision, .*dev.image-tooling.inputs.digest: it was not built by this pipeline/,
    );
  });
});
