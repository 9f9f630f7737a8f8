// `npm run wait -- --env <env> [--timeout 20m] [--diagnostics <dir>] [--context <ctx>]`
// After `npm run bootstrap`: polls the cluster's Argo CD Applications until every one the
// environment renders (and any other) is Synced and Healthy, printing progress wave by wave. An
// Application Degraded for longer than --degraded-grace, or the timeout, fails with one line naming
// the stuck Application(s) and why, after writing a diagnostic bundle to --diagnostics.
import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../bootstrap/index.ts';
import { spawnKubectl, type Kubectl } from '../bootstrap/run.ts';
import { ARGOCD_NAMESPACE, WaitError, waitForApplications } from '../bootstrap/wait.ts';
import { buildEnvironment } from '../build.ts';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';
import { selectEnvironments } from './common.ts';

export interface WaitDeps {
  out?: (line: string) => void;
  err?: (line: string) => void;
  kubectl?: Kubectl;
  /** A virtual clock for tests: no test waits for real time. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

function duration(flag: string, text: string, zeroOk = false): number {
  if (zeroOk && /^0+[smh]?$/.test(text)) return 0;
  const s = parseDuration(text);
  if (s === undefined) throw new UsageError(`wait: --${flag} "${text}" is not a duration (e.g. 90s, 5m, 1h)`);
  return s;
}

export async function run(args: string[], deps: WaitDeps = {}): Promise<number> {
  const { values } = parse(SPECS.wait, args);
  const out = deps.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  if (!values.env) throw new UsageError('wait: --env <env> is required');
  const [env] = selectEnvironments([values.env]);
  if (!env || values.env.includes(',')) throw new UsageError('wait: --env takes one environment');
  if (values.context === '') throw new UsageError('wait: --context needs a kubectl context name');
  if (values.diagnostics === '') throw new UsageError('wait: --diagnostics needs a directory');
  const timeoutSeconds = duration('timeout', values.timeout);
  const pollSeconds = duration('poll-interval', values['poll-interval']);
  const degradedGraceSeconds = duration('degraded-grace', values['degraded-grace'], true);
  const expected = buildEnvironment(env)
    .objects.map((o) => o.object)
    .filter((o) => o.kind === 'Application' && o.metadata?.namespace === ARGOCD_NAMESPACE)
    .map((o) => o.metadata!.name!)
    .sort();
  const diagnosticsDir = values.diagnostics === undefined ? undefined : isAbsolute(values.diagnostics) ? values.diagnostics : resolve(values.diagnostics);
  out(`waiting up to ${values.timeout} for ${expected.length} Application(s) of ${env.name}${values.context ? ` (context ${values.context})` : ''} to be Synced and Healthy`);
  try {
    await waitForApplications({
      kubectl: deps.kubectl ?? spawnKubectl,
      context: values.context,
      timeoutSeconds,
      pollSeconds,
      degradedGraceSeconds,
      expected,
      diagnosticsDir,
      out,
      now: deps.now,
      sleep: deps.sleep,
    });
    return 0;
  } catch (e) {
    if (e instanceof WaitError) {
      (deps.err ?? ((l: string) => process.stderr.write(`${l}\n`)))(`error: ${env.name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
