// HTTPS downloads shared by the tools updater and the helper installer: one client, one TOOLS_MIRROR reading.
export * from "./https-get.ts";
export * from "./mirror.ts";
