// A recording fake `kubectl` for bootstrap tests: a POSIX sh script put first on PATH (sh, not
// Node, so that a bootstrap's ~20 calls stay cheap). It records every call (argv NUL-separated,
// stdin as given) and answers from rules: a rule matches when its `when` text occurs in the
// space-joined argv; the first match decides stdout, stderr and exit code. Unmatched calls
// succeed silently, as an up-to-date cluster would. A rule with `sequence` plays a changing
// cluster: its n-th match answers with the n-th entry (the last one repeats).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Rule {
  when: string;
  exit?: number;
  stdout?: string;
  stderr?: string;
  /** Answers for successive matches (overrides stdout, stderr and exit); the last one repeats. */
  sequence?: { stdout?: string; stderr?: string; exit?: number }[];
}

export interface Call {
  argv: string[];
  stdin: string;
}

export interface FakeKubectl {
  dir: string;
  env: NodeJS.ProcessEnv;
  calls(): Call[];
  reset(): void;
  remove(): void;
}

const SCRIPT = `#!/bin/sh
log="$FAKE_KUBECTL_DIR/log"
n=$(ls "$log" | wc -l)
f="$log/$(printf %05d "$n")"
: > "$f.argv.tmp"
for a in "$@"; do printf '%s\\0' "$a" >> "$f.argv.tmp"; done
cat > "$f.stdin"
mv "$f.argv.tmp" "$f.argv"
joined="$*"
for r in "$FAKE_KUBECTL_DIR"/rules/*.when; do
  [ -e "$r" ] || break
  w=$(cat "$r")
  case "$joined" in
    *"$w"*) b=\${r%.when}
      if [ -e "$b.last" ]; then
        i=0; [ -e "$b.count" ] && i=$(cat "$b.count")
        last=$(cat "$b.last")
        [ "$i" -lt "$last" ] && echo $((i + 1)) > "$b.count"
        b="$b.$i"
      fi
      cat "$b.stdout"; cat "$b.stderr" >&2; exit "$(cat "$b.exit")";;
  esac
done
exit 0
`;

export function fakeKubectl(rules: Rule[] = []): FakeKubectl {
  const dir = mkdtempSync(join(tmpdir(), 'fake-kubectl-'));
  const log = join(dir, 'log');
  mkdirSync(log);
  mkdirSync(join(dir, 'rules'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'kubectl'), SCRIPT);
  chmodSync(join(bin, 'kubectl'), 0o755);
  rules.forEach((r, i) => {
    const base = join(dir, 'rules', String(i).padStart(3, '0'));
    writeFileSync(`${base}.when`, r.when);
    writeFileSync(`${base}.exit`, String(r.exit ?? 0));
    writeFileSync(`${base}.stdout`, r.stdout ?? '');
    writeFileSync(`${base}.stderr`, r.stderr ?? '');
    if (r.sequence?.length) {
      writeFileSync(`${base}.last`, String(r.sequence.length - 1));
      r.sequence.forEach((s, j) => {
        writeFileSync(`${base}.${j}.exit`, String(s.exit ?? 0));
        writeFileSync(`${base}.${j}.stdout`, s.stdout ?? '');
        writeFileSync(`${base}.${j}.stderr`, s.stderr ?? '');
      });
    }
  });
  return {
    dir,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, FAKE_KUBECTL_DIR: dir },
    calls: () =>
      existsSync(log)
        ? readdirSync(log)
            .filter((f) => f.endsWith('.argv'))
            .sort()
            .map((f) => {
              const base = join(log, f.slice(0, -'.argv'.length));
              return { argv: readFileSync(`${base}.argv`, 'utf8').split('\0').slice(0, -1), stdin: readFileSync(`${base}.stdin`, 'utf8') };
            })
        : [],
    reset: () => {
      rmSync(log, { recursive: true, force: true });
      mkdirSync(log);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
