import { describe, expect, it } from "vitest";
import { choosePlatform, daemonPlatform, devTags, dockerRunLine, loadedImage } from "../src/load/load-plan.ts";

const pkg = (platforms: string[]) => ({ name: "demo", files: { metadata: "packages/demo/image.yaml" }, metadata: { platforms } }) as never;

describe("load: what it does before anything is built", () => {
  it("tags <namespace>/<image>:dev and :X.Y.Z-dev (just <image> without a namespace)", () => {
    expect(devTags("tooling-k8s", "1.4.2", "imagetooling")).toEqual(["imagetooling/tooling-k8s:dev", "imagetooling/tooling-k8s:1.4.2-dev"]);
    expect(devTags("demo", "0.1.0")).toEqual(["demo:dev", "demo:0.1.0-dev"]);
  });

  it("takes the Docker daemon's platform unless --platform says otherwise; a platform the image lacks is one clear error", () => {
    expect(choosePlatform(pkg(["linux/amd64", "linux/arm64"]), undefined, daemonPlatform("linux", "arm64\n"))).toBe("linux/arm64");
    expect(choosePlatform(pkg(["linux/amd64", "linux/arm64"]), "linux/amd64", "linux/arm64")).toBe("linux/amd64");
    expect(() => choosePlatform(pkg(["linux/amd64"]), undefined, "linux/arm64")).toThrow(
      "demo: the Docker daemon's platform (linux/arm64) is linux/arm64, but packages/demo/image.yaml lists only linux/amd64: load with --platform linux/amd64",
    );
    expect(() => choosePlatform(pkg(["linux/amd64"]), "windows/amd64", "linux/amd64")).toThrow(
      'demo: --platform is "windows/amd64", which no image is built for',
    );
  });

  it("reads the image docker load reports, by ID or by name", () => {
    expect(loadedImage(`Loaded image ID: sha256:${"a".repeat(64)}\n`)).toBe(`sha256:${"a".repeat(64)}`);
    expect(loadedImage("Loaded image: demo:latest\n")).toBe("demo:latest");
    expect(loadedImage("nothing\n")).toBeUndefined();
  });

  it("prints a docker run line, with the kubeconfig mount for images that carry kubectl", () => {
    expect(dockerRunLine("ns/tooling-k8s:dev", { kubeconfig: true })).toBe(
      'docker run -it --rm -v ~/.kube:/mnt/kube:ro -v "$PWD":/work -w /work ns/tooling-k8s:dev',
    );
    expect(dockerRunLine("ns/pandoc:dev", { kubeconfig: false })).toBe('docker run -it --rm -v "$PWD":/work -w /work ns/pandoc:dev');
  });
});
