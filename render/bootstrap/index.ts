// The bootstrap of a fresh cluster: the ordered kubectl plan (plan.ts), the operator's sealing
// key (sealing-key.ts), running or printing the plan (run.ts), and the node prerequisites
// (prerequisites.ts). render/commands/bootstrap.ts reads the files and calls this.
import type { Environment } from '../../environments/types.ts';
import { formatFinding, renderEnvironment } from '../pipeline.ts';
import { RenderError } from '../types.ts';
import { toYamlStream } from '../yaml.ts';
import { planBootstrap, type Step } from './plan.ts';
import { formatPlan, runPlan, spawnKubectl, type Kubectl } from './run.ts';
import { checkAgainstCommitted, parseSealingKey, sealingCertPath, sealingKeySecret, type SealingKey } from './sealing-key.ts';

export { planBootstrap, FIELD_MANAGER, UPSTREAM_FIELD_MANAGER, SEALING_KEY_LABEL, SEALING_KEY_SECRET, type Step, type KubectlCall } from './plan.ts';
export { BootstrapError, formatPlan, type Kubectl } from './run.ts';
export { SealingKeyError, sealingCertPath } from './sealing-key.ts';
export { prerequisites } from './prerequisites.ts';

export interface BootstrapInput {
  env: Environment;
  dryRun: boolean;
  context?: string;
  timeoutSeconds: number;
  /** The committed certificate's text, when the environment has one. */
  committedCert?: string;
  /** The `--sealing-key` file: its name (for messages) and text (kept in memory only). */
  sealingKey?: { file: string; text: string };
  kubectl?: Kubectl;
  /**
   * The committed `rendered/<env>/<path>` files (undefined when absent): Argo CD syncs those, so
   * a bootstrap from sources that render differently would be undone by the first sync.
   */
  committedFile?: (path: string) => string | undefined;
  out(line: string): void;
}

export async function bootstrap(input: BootstrapInput): Promise<void> {
  const env = input.env.name;
  const certFile = sealingCertPath(env);
  let key: SealingKey | undefined;
  if (input.sealingKey) {
    key = parseSealingKey(input.sealingKey.text, input.sealingKey.file);
    if (input.committedCert === undefined) {
      throw new RenderError({ env, file: certFile }, `no committed certificate to check --sealing-key against: commit the key's certificate first (openssl x509 -in ${input.sealingKey.file} > ${certFile})`);
    }
    checkAgainstCommitted(key, input.committedCert, env, certFile, input.sealingKey.file);
  } else if (input.committedCert !== undefined && !input.dryRun) {
    throw new RenderError({ env, file: certFile }, `values are sealed for this certificate: pass its key pair with --sealing-key <file> (private key + certificate, PEM), or the controller would generate a key that decrypts none of them`);
  }

  const render = renderEnvironment(input.env);
  const errors = render.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new RenderError({ env }, `the environment does not render (${errors.length} error(s), first: ${formatFinding(errors[0]!)}): fix it before bootstrapping`);
  }
  if (input.committedFile) {
    const stale = [...render.files].filter(([path, text]) => input.committedFile!(path) !== text).map(([path]) => path);
    if (stale.length > 0) {
      input.out(`${input.dryRun ? '# ' : ''}warning: rendered/${env}/ is not what the sources render (${stale.length} file(s), e.g. ${stale[0]}): Argo CD syncs the committed files — run npm run render, commit and push first`);
    }
  }
  const keyed = key !== undefined || input.committedCert !== undefined;
  const steps: Step[] = planBootstrap(render.built, { timeoutSeconds: input.timeoutSeconds, sealingKey: keyed ? 'given' : 'none' });

  if (input.dryRun) {
    input.out(`# bootstrap plan for env ${env}${input.context ? ` (context ${input.context})` : ' (current kubectl context)'}: nothing is run`);
    if (input.committedCert !== undefined && !key) input.out(`# running it needs --sealing-key <file>: values are sealed for ${certFile}`);
    if (!keyed) input.out(`# no ${certFile}: the controller generates its own key; fetch its certificate afterwards (docs/secrets.md)`);
    input.out('');
    for (const line of formatPlan(steps, input.context)) input.out(line);
    return;
  }
  await runPlan(steps, {
    context: input.context,
    timeoutSeconds: input.timeoutSeconds,
    kubectl: input.kubectl ?? spawnKubectl,
    nodes: input.env.cluster.nodes.map((n) => n.name),
    out: input.out,
    stdinFor: (stdin) => {
      if (stdin.kind === 'objects') return toYamlStream(stdin.objects.map((o) => o.object));
      // Only reachable when a key was given (planBootstrap adds the call for 'given').
      return `${JSON.stringify(sealingKeySecret(key!, stdin.namespace, stdin.name))}\n`;
    },
  });
  input.out(`bootstrap of ${env} done: Argo CD now syncs rendered/${env}/ wave by wave (kubectl${input.context ? ` --context ${input.context}` : ''} -n argocd get applications)`);
}

/** `90s`, `5m`, `1h30m` or a number of seconds → seconds. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) || undefined;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === '') return undefined;
  const s = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return s > 0 ? s : undefined;
}
