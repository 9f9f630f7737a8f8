// How Argo CD on the dev cluster finds previews: an ApplicationSet with the GitHub Pull Request
// generator lists open PRs carrying the `preview` label and templates one Application per PR,
// reading `rendered/previews/pr-<n>/` from the `previews` branch CI writes (preview.yml). When
// the PR is closed or unlabelled it leaves the generator's list, the ApplicationSet deletes the
// Application, and the resources finalizer prunes everything, owned Namespace included.
// The AppProject confines what a preview may create whatever the branch holds: namespaced kinds
// in `pr-*` namespaces only, and of cluster-scoped kinds only the Namespace the publisher writes
// for it (the platform's, with its ResourceQuota and LimitRange; see preview-namespace.ts).
import { AppProject, ApplicationSet } from '../../platform/kinds.ts';
import type { Environment } from '../../environments/types.ts';
import type { PreviewTemplate } from '../../environments/preview.ts';
import { RenderError } from '../types.ts';
import { PLATFORM_OWNED_KINDS, PREVIEW_LABEL } from './preview-namespace.ts';
import { PREVIEW_KINDS } from './preview-kinds.ts';

export const PREVIEWS_BRANCH = 'previews';
export const PREVIEWS_PATH = 'rendered/previews';
export const PREVIEWS_PROJECT = 'previews';
/** Secret (repo-creds format: githubAppID, githubAppInstallationID, githubAppPrivateKey) in argocd. */
export const GITHUB_APP_SECRET = 'github-app-previews';
const IN_CLUSTER = 'https://kubernetes.default.svc';

export interface PreviewAppSetOptions {
  /** Poll interval; the webhook (docs/delivery.md) makes it near-immediate. */
  requeueAfterSeconds?: number;
}

export function githubRepoOf(repoURL: string): { owner: string; repo: string } {
  const m = /^https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(repoURL);
  if (!m) throw new RenderError({ field: 'gitops.repoURL' }, `previews need a github.com repository URL, got "${repoURL}"`);
  return { owner: m[1], repo: m[2] };
}

/** The two objects to add to the dev environment's Argo CD component (namespace argocd). */
export function previewApplicationSet(env: Environment, template: PreviewTemplate, options: PreviewAppSetOptions = {}): [AppProject, ApplicationSet] {
  const { owner, repo } = githubRepoOf(env.gitops.repoURL);
  const project = new AppProject({
    metadata: { name: PREVIEWS_PROJECT, namespace: 'argocd' },
    spec: {
      description: 'Pull request previews: one namespace pr-<n> each, nothing cluster-wide but that Namespace',
      sourceRepos: [env.gitops.repoURL],
      destinations: [{ server: IN_CLUSTER, namespace: 'pr-*' }],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      // The same allowlist the preview render and publish enforce, plus the platform's quota and
      // limits (written by the publisher), now enforced by Argo CD too.
      namespaceResourceWhitelist: [...PREVIEW_KINDS, ...PLATFORM_OWNED_KINDS]
        .filter((k) => k !== '/Namespace')
        .sort()
        .map((k) => ({ group: k.slice(0, k.indexOf('/')), kind: k.slice(k.indexOf('/') + 1) })),
      orphanedResources: { warn: true },
    },
  });
  const appSet = new ApplicationSet({
    metadata: { name: 'previews', namespace: 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [
        {
          pullRequest: {
            github: { owner, repo, appSecretName: GITHUB_APP_SECRET, labels: [template.label] },
            requeueAfterSeconds: options.requeueAfterSeconds ?? 180,
          },
        },
      ],
      template: {
        metadata: {
          name: 'pr-{{.number}}',
          labels: { [PREVIEW_LABEL]: '{{.number}}' },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: PREVIEWS_PROJECT,
          source: { repoURL: env.gitops.repoURL, targetRevision: PREVIEWS_BRANCH, path: `${PREVIEWS_PATH}/pr-{{.number}}` },
          destination: { server: IN_CLUSTER, namespace: 'pr-{{.number}}' },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            // The Namespace is a rendered, owned object (pruned with the app), never CreateNamespace.
            syncOptions: ['PruneLast=true'],
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
          },
        },
      },
    },
  });
  return [project, appSet];
}
