/** haigpt's version, read from package.json at build time (also inside a compiled binary). */
import pkg from "../package.json" with { type: "json" };

/** e.g. "0.1.0". */
export const VERSION: string = pkg.version;
