/** The API version this build's layout and vtables are generated for (native-ctp/spec/ctp-api-6.3.15.json). */
export const BUILT_FOR = '6.3.15';

/**
 * Whether a library's `GetApiVersion()` names an ABI this build can drive. SFIT's strings look like
 * `v6.6.7_20220613 14:52:04.1708`, openctp's like `openctp-sina v6.3.15`. 6.3.19 inserted a callback into the
 * market-data SPI's vtable and 6.5.1 moved and widened the instrument ids (spec market-data-sources §0, §A.5),
 * so only 6.3.x up to 6.3.15 matches; a string without a version is let through (with its text in errors).
 */
export function abiProblem(version: string): string | undefined {
  const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return undefined;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (major === 6 && minor === 3 && patch <= 15) return undefined;
  return `the library reports "${version}"; this build drives the ${BUILT_FOR} ABI (struct layout and vtable order), and a library of another version would be misread — use a 6.3.x (≤ 6.3.15) library, see docs/ctp.md`;
}
