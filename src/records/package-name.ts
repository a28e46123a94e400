/**
 * @module records/package-name
 * The npm package deliberate is published as (`deliberate` on npm is an unrelated package). The command it installs
 * stays `deliberate`; records that name the tool (the run manifest, the RL export's data source) carry this name.
 */
export const PACKAGE_NAME = 'deliberate-align';
