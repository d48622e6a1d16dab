// The HTTPS client lives in the pipeline, which installs its helper binaries with it too.
export * from "@image-tooling/pipeline/http";
