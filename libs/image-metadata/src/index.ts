export * from "./schema.ts";
export * from "./errors.ts";
export * from "./dockerfile-base.ts";
export * from "./parse.ts";
export * from "./read.ts";
export * from "./graph.ts";
export * from "./smoke-spec.ts";
export * from "./inputs.ts";
