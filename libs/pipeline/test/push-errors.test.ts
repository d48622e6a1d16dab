import { describe, expect, it } from "vitest";
import { engineErrorSummary, transientPushFailure } from "../src/run/push-errors.ts";

describe("reading the engine's push errors", () => {
  it("calls rate limits, gateway errors and dropped connections transient", () => {
    expect(
      transientPushFailure(
        "failed to push 172.17.0.1:5003/a/b:1.0.0: unexpected status from PUT request to http://172.17.0.1:5003/v2/a/b/manifests/1.0.0: 429 Too Many Requests",
      ),
    ).toBe("rate limited (HTTP 429)");
    expect(transientPushFailure("failed to copy: unexpected status from HEAD request: 503 Service Unavailable")).toBe("service unavailable (HTTP 503)");
    expect(transientPushFailure("unexpected status: 502 Bad Gateway")).toBe("bad gateway (HTTP 502)");
    expect(transientPushFailure("504 Gateway Timeout")).toBe("gateway timeout (HTTP 504)");
    expect(transientPushFailure("unexpected status from HEAD request to http://r/v2/a/manifests/1.0.0: 500 Internal Server Error")).toBe(
      "internal server error (HTTP 500)",
    );
    expect(transientPushFailure("unexpected status: 408 Request Timeout")).toBe("request timeout (HTTP 408)");
    expect(transientPushFailure('failed to do request: Put "http://172.17.0.1:5003/v2/a/b/blobs/uploads/x": EOF')).toBe(
      "the registry ended the request early (unexpected EOF; the tool does not say why)",
    );
    // What the engine says when the registry answers a manifest PUT with 429 (seen in publish-faults.e2e.test.ts).
    expect(transientPushFailure("short read: expected 2247 bytes but got 0: unexpected EOF")).toBe(
      "the registry ended the request early (unexpected EOF; the tool does not say why)",
    );
    expect(transientPushFailure("read tcp 172.17.0.2:41234->172.17.0.1:5003: read: connection reset by peer")).toBe("connection dropped");
    // A link that refuses, cuts a TLS handshake or stops moving is as transient as one that drops.
    expect(transientPushFailure("dial tcp 172.17.0.1:5003: connect: connection refused")).toBe("connection refused");
    expect(transientPushFailure('Get "https://r.example/v2/": net/http: TLS handshake timeout')).toBe("TLS handshake cut");
    expect(transientPushFailure('Head "https://r.example/v2/a/manifests/1": remote error: tls: bad record MAC')).toBe("TLS handshake cut");
    expect(transientPushFailure("read tcp 172.17.0.2:41234->172.17.0.1:5003: i/o timeout")).toBe("timed out");
  });

  it("does not retry what a retry cannot fix", () => {
    expect(transientPushFailure("unexpected status from PUT request: 401 Unauthorized")).toBeNull();
    expect(transientPushFailure("failed to push 172.17.0.1:5429/a/b:1.0.0: name unknown")).toBeNull();
    expect(transientPushFailure("unexpected status from PUT request: 400 Bad Request")).toBeNull();
  });

  it("keeps the first lines of an engine error, each cut short", () => {
    const id = `{"id":"${"x".repeat(5000)}"}`;
    const summary = engineErrorSummary(new Error(`failed to push: 503 Service Unavailable\n\n${id}\nline 3\nline 4`));
    expect(summary.split("\n")).toEqual(["failed to push: 503 Service Unavailable", `${id.slice(0, 300)}…`, "line 3"]);
  });
});
