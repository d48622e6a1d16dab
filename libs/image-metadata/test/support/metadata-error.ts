import { ImageMetadataError } from "../../src/index.ts";

/** The ImageMetadataError fn throws; fails the test when it throws nothing or something else. */
export function metadataErrorOf(fn: () => unknown): ImageMetadataError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ImageMetadataError) return e;
    throw e;
  }
  throw new Error("expected an ImageMetadataError");
}
