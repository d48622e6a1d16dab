// @ts-check
// The executor of the images' build, smoke and publish targets, compiled from
// ../src/executor (see @image-tooling/compile; compiled again first when its
// sources changed).
//
// This package is installed as a copy (the workspace's .npmrc sets
// install-links), so Nx finds it under node_modules and loads it as the
// JavaScript it is. From a workspace folder Nx would first load the
// TypeScript compiler to resolve a local plugin's executor from its sources,
// which costs every run's task worker about a third of a second.
"use strict";
const { resolve } = require("node:path");
// Installed by the workspace itself, beside this package in node_modules.
const { compiledEntry } = require("@image-tooling/compile");

// node_modules/@image-tooling/nx-image-executor → the workspace root.
module.exports = require(compiledEntry(resolve(__dirname, "../../.."), "nx-executor"));
