// @ts-check
// The image generator (`nx g @image-tooling/nx-image-plugin:image`), compiled
// from ../src/generator (see @image-tooling/compile; compiled again first when
// its sources changed), so Nx loads JavaScript and registers no TypeScript
// transpiler. Its own bundle: the graph plugin, which every nx command loads,
// never loads the generator's code.
"use strict";
const { join, resolve } = require("node:path");
const { compiledEntry } = require("@image-tooling/compile");

// tools/nx-image-plugin/generator → the workspace root.
const { createImageGenerator } = require(compiledEntry(resolve(__dirname, "../../.."), "nx-generator"));
module.exports = createImageGenerator(join(__dirname, "files"));
