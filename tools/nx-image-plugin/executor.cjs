// @ts-check
// Nx would load a TypeScript executor through its own transpiler on every run;
// this entry hands it the executor compiled from src/executor instead,
// compiling it first when its sources changed (see @image-tooling/compile).
"use strict";
const { resolve } = require("node:path");
const { compiledEntry } = require("@image-tooling/compile");

module.exports = require(compiledEntry(resolve(__dirname, "../.."), "nx-executor"));
