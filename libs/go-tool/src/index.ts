// Pinned helper binaries (cosign, syft, grype, actionlint, crane …): a Go
// program at one module version, built once from the Go module proxy into
// node_modules/.cache or named by an environment variable, and run to completion.
export { type ExecResult, execTool } from "./exec-tool.ts";
export { type GoTool, GoToolUnavailable, goToolBinary, goToolCachePath } from "./go-tool.ts";
