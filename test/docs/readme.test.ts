// The README (and docs/) cannot drift from the repository: every npm script they name exists, every
// flag they document is accepted by that command's own argument parser, every repository path they
// name exists, and the claims a newcomer tripped over are checked against the code that decides
// them. Commands, scripts and flags are derived from package.json and the CLI, not listed here.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environments } from '../../environments/index.ts';
import { preview } from '../../environments/preview.ts';
import { renderPreview } from '../../render/delivery/preview.ts';
import { buildEnvironment } from '../../render/build.ts';
import { planBootstrap } from '../../render/bootstrap/plan.ts';
import { preflight } from '../../render/preflight.mjs';
import { REPO } from '../helpers/sandbox.ts';
import { runCommand } from '../helpers/run-command.ts';

const read = (rel: string) => readFileSync(join(REPO, rel), 'utf8');
const README = read('README.md');
const DOCS = readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
const PAGES = ['README.md', ...DOCS];
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

/** npm script → the CLI command it runs (`node … render/cli.ts <command>`), if it is one. */
const COMMAND_OF = new Map(
  Object.entries(pkg.scripts).flatMap(([script, line]) => {
    const m = /\brender\/cli\.ts (\S+)/.exec(line);
    return m ? [[script, m[1]!] as const] : [];
  }),
);

/** The README's section under `heading` (up to the next heading of the same or a higher level). */
function section(text: string, heading: string): string {
  const lines = text.split('\n');
  let inCode = false;
  const isHeading = lines.map((l) => {
    if (l.startsWith('```')) inCode = !inCode;
    return !inCode && /^#+ /.test(l);
  });
  const start = lines.findIndex((l, i) => isHeading[i] && l.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const end = lines.findIndex((l, i) => i > start && isHeading[i] && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

interface Mention {
  page: string;
  script: string;
  /** Words right after `--` before the first flag (`migrations -- check …` → ['check']). */
  lead: string[];
}

interface FlagUse {
  page: string;
  script: string;
  flag: string;
}

/**
 * Reads a page in order: `npm run <script>` mentions (prose, tables, code) and the flags documented
 * for them. A flag belongs to the `npm run` on its code line (or the command line it continues:
 * trailing `\\` or an indented next line); in prose, to the last `npm run` of its paragraph; in an
 * options table (a row starting with a backticked flag), to the last `npm run` of its section.
 */
function scan(page: string): { mentions: Mention[]; flags: FlagUse[] } {
  const mentions: Mention[] = [];
  const flags: FlagUse[] = [];
  let inSection: string | undefined;
  let inParagraph: string | undefined;
  let codeCommand: string | undefined;
  let inCode = false;
  let previousCode = '';
  for (const line of read(page).split('\n')) {
    if (line.startsWith('```')) {
      inCode = !inCode;
      codeCommand = undefined;
      previousCode = '';
      continue;
    }
    if (!inCode && /^#+ /.test(line)) inSection = undefined;
    if (!inCode && line.trim() === '') inParagraph = undefined;
    const runs = [...line.matchAll(/npm run (?:-s )?([a-z][\w:-]*)(?: -- ([^`#|]*))?/g)];
    for (const m of runs) {
      const script = m[1]!;
      const rest = (m[2] ?? '').trim().split(/\s+/).filter(Boolean);
      const lead: string[] = [];
      for (const w of rest) {
        if (!/^[a-z][a-z-]*$/.test(w)) break;
        lead.push(w);
      }
      mentions.push({ page, script, lead });
      for (const f of (m[2] ?? '').matchAll(/(?:^|[\s[(])(--[a-z][a-z0-9-]*)/g)) flags.push({ page, script, flag: f[1]! });
      inSection = inParagraph = codeCommand = script;
    }
    if (inCode) {
      const continues = previousCode.trimEnd().endsWith('\\') || /^\s/.test(line);
      if (!runs.length && codeCommand && continues) {
        for (const f of line.matchAll(/(?:^|[\s[(])(--[a-z][a-z0-9-]*)/g)) flags.push({ page, script: codeCommand, flag: f[1]! });
      } else if (!runs.length) codeCommand = undefined;
      previousCode = line;
      continue;
    }
    const table = /^\|\s*`--/.test(line);
    const owner = table ? inSection : inParagraph;
    if (!owner) continue;
    for (const span of line.matchAll(/`([^`]*)`/g)) {
      if (span[1]!.includes('npm run')) continue;
      const f = /^(--[a-z][a-z0-9-]*)/.exec(span[1]!);
      if (f && (!table || span.index === line.indexOf('`'))) flags.push({ page, script: owner, flag: f[1]! });
    }
  }
  return { mentions, flags };
}

const scanned = PAGES.map(scan);
const mentions = scanned.flatMap((s) => s.mentions);
const flagUses = scanned.flatMap((s) => s.flags);

describe('README and docs: commands', () => {
  it('mention npm scripts, and every one they mention exists in package.json', () => {
    expect(mentions.length).toBeGreaterThan(10);
    const missing = mentions.filter((m) => !(m.script in pkg.scripts)).map((m) => `${m.page}: npm run ${m.script}`);
    expect(missing).toEqual([]);
  });

  it('shell code blocks run real scripts and files', () => {
    for (const page of PAGES) {
      const blocks = [...read(page).matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].map((b) => b[1]!);
      for (const line of blocks.flatMap((b) => b.split('\n'))) {
        for (const m of line.matchAll(/\bnpm (test|run [\w:-]+)/g)) {
          const script = m[1] === 'test' ? 'test' : m[1]!.slice(4);
          expect(pkg.scripts, `${page}: ${line.trim()}`).toHaveProperty([script]);
        }
        for (const m of line.matchAll(/(?:^|\s)(?:node|bash|sh) ((?:\.\/)?[\w./-]+\.(?:ts|mjs|js|sh)|\.ci\/run)\b/g)) {
          expect(existsSync(join(REPO, m[1]!)), `${page}: ${line.trim()}`).toBe(true);
        }
      }
    }
  });

  it('every CLI command an npm script runs is documented in the README', () => {
    for (const script of COMMAND_OF.keys()) expect(README, `npm run ${script}`).toContain(`npm run ${script}`);
  });
});

describe('README and docs: flags', () => {
  // Each command gets every documented flag at once, followed by a flag nobody documents. A parser
  // that accepts the documented ones stops at the last one: that is the only error allowed.
  const SENTINEL = '--zz-undocumented-flag';
  const byScript = new Map<string, Set<string>>();
  for (const u of flagUses) {
    if (u.flag === '--help' || !COMMAND_OF.has(u.script)) continue;
    if (!byScript.has(u.script)) byScript.set(u.script, new Set());
    byScript.get(u.script)!.add(u.flag);
  }

  it('documents flags for most commands', () => {
    expect(byScript.size).toBeGreaterThanOrEqual(5);
  });

  it.each([...COMMAND_OF.keys()])('npm run %s: the command accepts every flag the docs give it', async (script) => {
    const flags = [...(byScript.get(script) ?? [])].sort();
    if (!flags.length) return;
    const command = COMMAND_OF.get(script)!;
    const lead = mentions.find((m) => m.script === script && m.lead.length)?.lead ?? [];
    const takesValue = new Map(flags.map((f) => [f, true]));
    let last = '';
    // Whether a flag takes a value is learnt from the parser's own complaint, a few rounds at most.
    for (let round = 0; round <= flags.length; round++) {
      const args = [...lead, ...flags.map((f) => (takesValue.get(f) ? `${f}=x` : f)), SENTINEL];
      const r = await runCommand(command, args);
      last = r.stderr;
      expect(r.code, `${command} ${args.join(' ')}:\n${r.stderr}`).toBe(2);
      const flipped = flags.find((f) => new RegExp(`'${f}'? does not take an argument|'${f} <value>' argument missing|'${f}'.* ambiguous|${f} takes no value|${f} needs a value`).test(r.stderr));
      if (!flipped) break;
      takesValue.set(flipped, !takesValue.get(flipped));
    }
    const named = flags.filter((f) => new RegExp(`'${f}|(?:option|: )${f}(?![\\w-])`).test(last));
    expect({ rejected: named, error: last.includes(SENTINEL) ? 'the undocumented flag only' : last.trim() }).toEqual({ rejected: [], error: 'the undocumented flag only' });
  });

  it('npm run bench accepts the flags the README gives it', () => {
    const flags = [...new Set(flagUses.filter((u) => u.script === 'bench' && u.flag !== '--help').map((u) => u.flag))];
    expect(flags).toContain('--apps');
    const [, script] = /^node .*?(render\/bench\.ts)/.exec(pkg.scripts.bench!) ?? [];
    expect(script).toBeDefined();
    // bench parses before it builds anything: a wrong flag is the first thing it reports.
    const values: Record<string, string> = { '--apps': '1', '--runs': '1', '--format': 'json' };
    const args = flags.flatMap((f) => (f in values ? [`${f}=${values[f]}`] : f === '--keep' ? [f] : [`${f}=x`]));
    const r = spawnSync(process.execPath, [join(REPO, script!), ...args, SENTINEL], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(SENTINEL);
    for (const f of flags) expect(r.stderr).not.toContain(`'${f}`);
  });
});

describe('README: paths', () => {
  const TOP = new Set(readdirSync(REPO).filter((e) => e !== 'node_modules' && e !== '.git'));
  /** Backticked tokens whose first segment is a top-level entry of the repository. */
  const paths = [...new Set([...README.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!))].filter((t) => TOP.has(t.split('/')[0]!) && (t.includes('/') || /\.\w+$/.test(t)));

  /** Folders the README places on another branch than the checkout's. */
  const ELSEWHERE: Record<string, string> = { 'rendered/previews/': 'written to the previews branch, never to main', 'rendered/.lock': 'exists only while a render runs' };

  it('every repository path the README names exists (up to the first placeholder)', () => {
    expect(paths.length).toBeGreaterThan(15);
    const missing = paths.filter((p) => {
      if (Object.keys(ELSEWHERE).some((e) => p.startsWith(e))) return false;
      const cut = p.search(/[<…*$]/);
      const known = cut < 0 ? p : p.slice(0, p.lastIndexOf('/', cut) + 1);
      return !existsSync(join(REPO, known));
    });
    expect(missing).toEqual([]);
  });
});

describe('README: what a newcomer read and found untrue', () => {
  it('shows the Node preflight line exactly as an old Node prints it', () => {
    expect(README).toContain(preflight('v20.20.2', 'linux', 'x64'));
  });

  it('names where the Argo CD pin lives, and the bootstrap installs exactly that pin', () => {
    expect(README).not.toMatch(/ARGOCD_VERSION/);
    const bootstrap = section(README, 'Bootstrapping a cluster (once per cluster)');
    expect(bootstrap).toContain('environments/<env>.versions.json');
    for (const env of environments) {
      const steps = planBootstrap(buildEnvironment(env), { timeoutSeconds: 60, sealingKey: 'given' });
      const install = steps.flatMap((s) => s.calls).map((c) => c.args.join(' ')).find((a) => a.includes('argo-cd/manifests/cluster-install'));
      expect(install, env.name).toContain(`ref=${env.platform.argocd}`);
    }
  });

  it('says a release opens its auto-merge pull request only with --open-pr (as the workflow runs it)', () => {
    const release = section(README, 'Release a new image');
    for (const sentence of release.replace(/\n/g, ' ').split(/(?<=\.)\s/)) {
      if (/auto-merge/.test(sentence)) expect(sentence).toContain('`--open-pr`');
    }
    expect(read('.github/workflows/release.yml')).toMatch(/npm run release -- .*--open-pr/);
  });

  it('gives each previewed app the host the preview render gives it', () => {
    const text = section(README, 'Preview a PR');
    const urls = renderPreview(preview, 7).urls.map((u) => u.replace('pr-7', 'pr-<n>'));
    expect(urls.length).toBeGreaterThan(1);
    for (const url of urls) {
      expect(text, url).toContain(`\`${url}\``);
    }
  });

  it('lists every edit "Add an environment" needs: the file copies, the versions import, the constant, the name, the index', () => {
    const steps = section(README, 'Add an environment');
    const dev = read('environments/dev.ts');
    const named = dev.split('\n').filter((l) => /\bdev\b/.test(l) && /^(import json from|import sealed from|export const|\s+name: 'dev')/.test(l));
    expect(named.length).toBeGreaterThanOrEqual(3);
    for (const line of named) expect(steps, line).toContain(line.trim().replace(/\bdev\b/g, '<name>').replace(/,$/, ''));
    const index = read('environments/index.ts');
    expect(index).toMatch(/import \{ dev \} from '.\/dev\.ts';/);
    expect(steps).toContain("import { <name> } from './<name>.ts';");
  });
});
