#!/usr/bin/env tsx
/** Entry point of the image targets (build, smoke, publish, lint). */
const [verb, image] = process.argv.slice(2);
console.error(`image-pipeline ${verb ?? ""} ${image ?? ""}: not implemented yet`);
process.exit(1);
