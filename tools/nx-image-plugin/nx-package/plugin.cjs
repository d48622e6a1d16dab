// @ts-check
// The image plugin (createNodes, createDependencies) as Nx loads it on every
// command, compiled from ../src/index.ts (see @image-tooling/compile; compiled
// again first when its sources changed).
//
// Installed as a copy under node_modules like executor.cjs beside it: Nx
// loads a plugin it resolves there, with a .cjs extension, as plain
// JavaScript, without registering a TypeScript transpiler and without first
// reading every project.json and package.json to look for a local plugin.
"use strict";
const { resolve } = require("node:path");
const { compiledEntry } = require("@image-tooling/compile");

// node_modules/@image-tooling/nx-image-executor → the workspace root.
module.exports = require(compiledEntry(resolve(__dirname, "../../.."), "nx-plugin"));
