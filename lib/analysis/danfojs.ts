/**
 * danfojs-node, the optional peer dependency behind `rowsToDataFrame`, and the one command that adds
 * it to a project. It is optional because it does not install from the npm registry alone: its own
 * `xlsx` dependency is a tarball URL on a vendor CDN, and `@tensorflow/tfjs-node` downloads a native
 * TensorFlow binary at install time. Two npm `overrides` fix both, but npm applies overrides only
 * from the root project's package.json — a dependency (vmft) cannot set them for its user.
 */

/** The danfojs-node range vmft is built and tested against (package.json: peerDependencies). */
export const DANFOJS_RANGE = '^1.2.0';

/**
 * The overrides danfojs-node needs, for the user's package.json: `xlsx` from the registry instead
 * of the CDN tarball, and the pure-JS TensorFlow.js in place of the native `tfjs-node` build.
 */
export const DANFOJS_OVERRIDES: Readonly<Record<string, string>> = Object.freeze({
  xlsx: '0.18.5',
  '@tensorflow/tfjs-node': 'npm:@tensorflow/tfjs@3.21.0',
});

/** A shell word, single-quoted when it holds anything but plain characters. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The line that makes dataframes work in an existing project: records the overrides in its
 * package.json, then installs danfojs-node.
 */
export const DANFOJS_INSTALL_COMMAND =
  'npm pkg set ' +
  Object.entries(DANFOJS_OVERRIDES).map(([name, spec]) => shellWord(`overrides.${name}=${spec}`)).join(' ') +
  ` && npm install ${shellWord(`danfojs-node@${DANFOJS_RANGE}`)}`;

/** The message of the error thrown when danfojs-node is not installed. */
export function missingDanfojsMessage(): string {
  return [
    'rowsToDataFrame needs danfojs-node, an optional peer dependency of vmft that a plain `npm install vmft` leaves out',
    '(it installs only with two npm overrides, which must sit in your own package.json). In your project, run:',
    `  ${DANFOJS_INSTALL_COMMAND}`,
    'or start a notebook project with dataframes set up: npx vmft init DIR',
  ].join('\n');
}

type DanfojsModule = typeof import('danfojs-node');

/** True for the error Node raises when `name` itself (not something inside it) cannot be found. */
function isMissingPackage(e: unknown, name: string): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && e.message.includes(`'${name}'`);
}

/**
 * Import danfojs-node on first use (it loads TensorFlow.js, ~1.6 s, so it stays off every path that
 * does not build a DataFrame). When it is not installed, the error says how to install it; any
 * other failure is passed on unchanged. `importer` is for tests.
 */
export async function loadDanfojs(
  importer: () => Promise<DanfojsModule> = () => import('danfojs-node'),
): Promise<DanfojsModule> {
  try {
    return await importer();
  } catch (e) {
    if (isMissingPackage(e, 'danfojs-node')) throw new Error(missingDanfojsMessage(), { cause: e });
    throw e;
  }
}
