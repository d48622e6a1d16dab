// What every CLI of the workspace shares at its edge: where the workspace is,
// how a duration is printed, and exiting only after stdout and stderr drained.
export { formatDuration } from "./duration.ts";
export { runMain } from "./exit.ts";
export { commandWorkspace, INSTALL_ROOT, workspaceRootAbove } from "./workspace-root.ts";
