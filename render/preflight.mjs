// Runs before every npm script (package.json: `node --import ./render/preflight.mjs …` or
// `node render/preflight.mjs && …`). Plain JavaScript that even an old Node parses: on a Node
// without type stripping, `node render/cli.ts` would only say ERR_UNKNOWN_FILE_EXTENSION ".ts".
// Say instead, in one line, what is needed and how to get it, and exit 2.

/** TypeScript runs on Node directly: type stripping without a flag needs 22.18 or later. */
export const NEEDED = '22.18.0';
/** The Node `.ci/run` installs (the registry package of the same name ships the binary itself). */
export const INSTALL_VERSION = '22.23.3';

function atLeast(version, needed) {
  const a = version.replace(/^v/, '').split('.').map(Number);
  const b = needed.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] || 0) !== b[i]) return (a[i] || 0) > b[i];
  }
  return true;
}

/** The command that gets a supported Node on this machine, or where to look when there is none. */
export function installCommand(platform, arch) {
  const cpu = arch === 'x64' ? 'x64' : arch === 'arm64' ? 'arm64' : undefined;
  if (platform !== 'linux' || !cpu) return `install Node ${INSTALL_VERSION} from https://nodejs.org`;
  const prefix = `~/.cache/gitops-node/${INSTALL_VERSION}`;
  return `npm install --prefix ${prefix} node-linux-${cpu}@${INSTALL_VERSION} && export PATH=${prefix}/node_modules/node-linux-${cpu}/bin:$PATH`;
}

/** The one-line complaint about `version` (e.g. "v20.20.2"), or undefined when it is recent enough. */
export function preflight(version, platform, arch) {
  if (atLeast(version, NEEDED)) return undefined;
  return `error: this repository needs Node >= ${NEEDED} (found ${version}): ${installCommand(platform, arch)}`;
}

const problem = preflight(process.version, process.platform, process.arch);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
