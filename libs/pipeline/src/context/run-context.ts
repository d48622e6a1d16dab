import type { PipelineConfig } from "../config/config.ts";
import type { VulnConfig } from "../config/vuln-config.ts";
import type { GitInfo } from "../git/git-info.ts";
import type { Logger } from "../log/logger.ts";
import type { Workspace } from "./workspace.ts";

/** What every command of a run works in: the workspace, the commit, the log and the configuration. */
export interface RunContext {
  ws: Workspace;
  git: GitInfo;
  log: Logger;
  config?: PipelineConfig;
  ephemeralRegistryImage: string;
  /** The vulnerability database and default gate (also in config, which build and smoke may run without). */
  vulns: VulnConfig;
  /**
   * The process environment as the CLI's edge read it (runArgv): the base
   * environment of every helper tool (cosign, syft, grype, nx) and the
   * source of the few variables read below the edge. Nothing under the edge
   * reads process.env, so a test passes exactly the environment it means.
   */
  env: NodeJS.ProcessEnv;
}
