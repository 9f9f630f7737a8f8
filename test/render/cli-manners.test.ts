// The CLI as a newcomer meets it (issue 13): --help on every command, generated from the one
// declaration in render/commands/specs.ts; unknown flags name themselves; a reader that closes
// early ends the run quietly; render says what it changed and how long the whole run took.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS, SPECS } from '../../render/commands/specs.ts';
import { HelpRequested, UsageError, formatHelp } from '../../render/commands/args.ts';
import { writeRendered } from '../../render/write.ts';
import { writeSummary } from '../../render/commands/render.ts';
import { sandbox, type Sandbox } from '../helpers/sandbox.ts';

const CLI = fileURLToPath(new URL('../../render/cli.ts', import.meta.url));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
type Command = { run(args: string[]): Promise<number> };
const load = (name: string) => import(`../../render/commands/${name}.ts`) as Promise<Command>;
/** What the command parses first: `migrations` takes its subcommand before the flags. */
const lead = (name: string) => (SPECS[name as keyof typeof SPECS].name.split(' ').slice(1));

describe('--help', () => {
  it('the top level lists every command with its one-line summary', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} +${SPECS[c].summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('every declared flag of every command has a description', () => {
    for (const c of COMMANDS) {
      expect(SPECS[c].summary, c).not.toBe('');
      for (const [flag, spec] of Object.entries(SPECS[c].flags)) expect(spec.description, `${c} --${flag}`).toMatch(/\w{3}/);
    }
  });

  for (const c of COMMANDS) {
    it(`${c} --help prints usage, arguments and every flag with its description, exit 0`, async () => {
      const r = cli(c, ...lead(c), '--help');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: npm run ${c} -- `));
      for (const [flag, spec] of Object.entries(SPECS[c].flags)) {
        expect(r.stdout).toContain(`--${flag}`);
        expect(r.stdout).toContain(spec.description);
      }
      // The command itself parses with that declaration: the same help, not a hand-written one.
      const mod = await load(c);
      const help = await mod.run([...lead(c), '--help']).catch((e: unknown) => e);
      expect(help).toBeInstanceOf(HelpRequested);
      expect((help as HelpRequested).text).toBe(formatHelp(SPECS[c]));
      expect(r.stdout).toBe(formatHelp(SPECS[c]));
    });
  }

  it('an unknown flag is a usage error naming it and pointing at --help, for every command', async () => {
    for (const c of COMMANDS) {
      const mod = await load(c);
      const e = await mod.run([...lead(c), '--no-such-flag']).catch((x: unknown) => x);
      expect(e, c).toBeInstanceOf(UsageError);
      expect((e as Error).message, c).toMatch(new RegExp(`^${SPECS[c].name}: unknown option --no-such-flag; \`npm run ${c} -- --help\` lists the options$`));
    }
    const r = cli('validate', '--formt', 'json', 'x.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: validate: unknown option --formt (did you mean --format?); `npm run validate -- --help` lists the options\n');
  });

  it('a value outside the declared choices is a usage error', async () => {
    const e = await (await load('validate')).run(['--format', 'xml', 'x.yaml']).catch((x: unknown) => x);
    expect((e as Error).message).toBe('validate: --format must be one of text, json, sarif (got "xml")');
  });
});

describe('a reader that closes early (EPIPE)', () => {
  it('`validate --format json | head -1` ends quietly: no stack trace, exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-epipe-'));
    const doc = (i: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web-${i}, namespace: web}\nspec:\n  selector: {matchLabels: {app: web-${i}}}\n  template:\n    metadata: {labels: {app: web-${i}}}\n    spec: {containers: [{name: web, image: web}]}\n`;
    // ~1,500 findings: far more than a pipe buffer holds.
    writeFileSync(join(dir, 'many.yaml'), Array.from({ length: 300 }, (_, i) => doc(i)).join('---\n'));
    const child = spawn(process.execPath, [CLI, 'validate', join(dir, 'many.yaml'), '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let first = '';
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString().split('\n')[0]!;
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(first).toBe('[');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('render reports what it wrote', () => {
  it('counts written, unchanged and removed files', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cli-write-')), 'rendered');
    const files = new Map([['a/x.yaml', 'x: 1\n'], ['b/y.yaml', 'y: 1\n']]);
    expect(writeRendered(dir, [{ name: 'dev', files }])).toEqual({ written: 2, unchanged: 0, removed: 0 });
    expect(writeRendered(dir, [{ name: 'dev', files }])).toEqual({ written: 0, unchanged: 2, removed: 0 });
    const next = new Map([['a/x.yaml', 'x: 2\n'], ['c/z.yaml', 'z: 1\n']]);
    expect(writeRendered(dir, [{ name: 'dev', files: next }])).toEqual({ written: 2, unchanged: 0, removed: 1 });
    expect(writeRendered(dir, [{ name: 'prod', files }], { pruneEnvironments: new Set(['prod']) })).toEqual({ written: 2, unchanged: 0, removed: 2 });
    expect(writeSummary({ written: 0, unchanged: 326, removed: 0 })).toBe('wrote 0 files (326 unchanged) to rendered/');
    expect(writeSummary({ written: 1, unchanged: 324, removed: 1 })).toBe('wrote 1 file (324 unchanged, 1 removed) to rendered/');
  });

  let box: Sandbox | undefined;
  afterEach(() => box?.remove());

  it('over an up-to-date rendered/: "wrote 0 files (N unchanged)" and the whole run\'s time', () => {
    box = sandbox({ rendered: 'committed' });
    const r = box.run('render', '--env', 'dev');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote 0 files \(\d+ unchanged\) to rendered\/ in \d+\.\d\d s$/m);
  });
});
