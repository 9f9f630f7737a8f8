// `npm run bootstrap -- --env <env> [--dry-run] [--context <ctx>] [--sealing-key <file>] [--timeout <dur>]`
// Takes a fresh kubeadm cluster to the point where Argo CD syncs rendered/<env>/ by itself:
// namespaces, flannel, Argo CD at the pinned tag, the Sealed Secrets key and controller, the
// root Application — each step waited on. `--dry-run` prints the kubectl commands instead.
// `--prerequisites` prints the environment's node and network checklist (markdown).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootstrapError, SealingKeyError, bootstrap, parseDuration, prerequisites, sealingCertPath } from '../bootstrap/index.ts';
import { buildEnvironment } from '../build.ts';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';
import { REPO_ROOT, selectEnvironments } from './common.ts';

export interface BootstrapDeps {
  repoDir?: string;
  out?: (line: string) => void;
  /** Where the one-line failure goes (stderr). */
  err?: (line: string) => void;
}

export async function run(args: string[], deps: BootstrapDeps = {}): Promise<number> {
  const { values } = parse(SPECS.bootstrap, args);
  const out = deps.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const repoDir = deps.repoDir ?? REPO_ROOT;
  if (!values.env) throw new UsageError('bootstrap: --env <env> is required');
  const [env] = selectEnvironments([values.env]);
  if (!env || values.env.includes(',')) throw new UsageError('bootstrap: --env takes one environment');
  if (values.prerequisites) {
    process.stdout.write(prerequisites(env, buildEnvironment(env)));
    return 0;
  }
  const timeoutSeconds = parseDuration(values.timeout);
  if (timeoutSeconds === undefined) throw new UsageError(`bootstrap: --timeout "${values.timeout}" is not a duration (e.g. 90s, 5m, 1h)`);
  if (values.context === '') throw new UsageError('bootstrap: --context needs a kubectl context name');

  const certPath = join(repoDir, sealingCertPath(env.name));
  const committedCert = existsSync(certPath) ? readFileSync(certPath, 'utf8') : undefined;
  let sealingKey: { file: string; text: string } | undefined;
  if (values['sealing-key'] !== undefined) {
    const file = values['sealing-key'];
    if (!existsSync(file)) throw new UsageError(`bootstrap: --sealing-key ${file}: no such file`);
    sealingKey = { file, text: readFileSync(file, 'utf8') };
  }
  try {
    const renderedDir = join(repoDir, 'rendered', env.name);
    const committedFile = (path: string) => {
      const file = join(renderedDir, path);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    };
    await bootstrap({ env, dryRun: values['dry-run'], context: values.context, timeoutSeconds, committedCert, sealingKey, committedFile, out });
    return 0;
  } catch (e) {
    if (e instanceof BootstrapError || e instanceof SealingKeyError) {
      (deps.err ?? ((l: string) => process.stderr.write(`${l}\n`)))(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
