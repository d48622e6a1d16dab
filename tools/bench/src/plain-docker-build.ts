/**
 * The floor the pipeline's build is measured against: the smallest Dagger
 * program that builds the same Dockerfile for both platforms. The bench
 * compiles it as the pipeline's CLI is compiled (esbuild, the SDK left in
 * node_modules) and runs it as a process of its own, so both sides pay Node's
 * start, the SDK load and a session.
 *   node --import tsx tools/bench/src/plain-docker-build.ts <context dir> <BASE_IMAGE>   (from source)
 */
import { connection, dag, type Platform } from "@dagger.io/dagger";

const [context, baseImage] = process.argv.slice(2);
if (!context || !baseImage) {
  process.stderr.write("usage: plain-docker-build.ts <context dir> <BASE_IMAGE>\n");
  process.exit(2);
}
await connection(async () => {
  const dir = dag.host().directory(context);
  await Promise.all(
    (["linux/amd64", "linux/arm64"] as Platform[]).map((platform) =>
      dir.dockerBuild({ platform, buildArgs: [{ name: "BASE_IMAGE", value: baseImage }] }).sync(),
    ),
  );
});
