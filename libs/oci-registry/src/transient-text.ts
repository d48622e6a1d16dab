/**
 * The engine (containerd), cosign and syft are Go programs that talk to the
 * registry themselves, so their network failures reach us only as text. One
 * table reads that text for all three: is it a fault of the link or of a
 * registry under strain that another attempt can get past, and in what words.
 * Anything not listed (401, denied, name unknown, a bad digest) is an answer,
 * and retrying it would only delay the message.
 */
const TRANSIENT: [RegExp, string][] = [
  [/\b429 Too Many Requests\b|toomanyrequests/i, "rate limited (HTTP 429)"],
  [/\b500 Internal Server Error\b/i, "internal server error (HTTP 500)"],
  [/\b408 Request Time-?out\b/i, "request timeout (HTTP 408)"],
  [/\b502 Bad Gateway\b/i, "bad gateway (HTTP 502)"],
  [/\b503 Service Unavailable\b/i, "service unavailable (HTTP 503)"],
  [/\b504 Gateway Time-?out\b/i, "gateway timeout (HTTP 504)"],
  [/connection reset by peer|broken pipe|server sent GOAWAY|use of closed network connection|forcibly closed/i, "connection dropped"],
  [/connect: connection refused|dial tcp [^ ]+: .*refused/i, "connection refused"],
  [/TLS handshake timeout|tls: .*(?:EOF|reset|bad record MAC)|remote error: tls: /i, "TLS handshake cut"],
  [/i\/o timeout|Client\.Timeout exceeded|context deadline exceeded|timeout awaiting response headers/i, "timed out"],
  // containerd reports a manifest PUT the registry refused early (a 429 among them) only as a short read.
  [/unexpected EOF|: EOF\b/i, "the registry ended the request early (unexpected EOF; the tool does not say why)"],
];

/** Why a Go tool's failure is worth another attempt, or null when it is an answer a retry cannot change. */
export function transientNetworkText(text: string): string | null {
  for (const [re, reason] of TRANSIENT) if (re.test(text)) return reason;
  return null;
}
