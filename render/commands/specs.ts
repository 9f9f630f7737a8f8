// Every command of `node render/cli.ts` (`npm run <command>`) with its flags: the one place that
// parsing, `--help` and the command list are generated from (see args.ts for how to add one).
// Kept free of heavy imports: `--help` answers without loading the models.
import { command } from './args.ts';

const ENV = { type: 'string', short: 'e', multiple: true, value: '<env>', description: 'only this environment (comma-separated or repeated; default: all)' } as const;
const REPO = { type: 'string', value: '<owner/name>', description: 'the GitHub repository (default: $GITHUB_REPOSITORY)' } as const;
const REMOTE = { type: 'string', default: 'origin', value: '<remote>', description: 'the git remote to push to' } as const;
const BASE_BRANCH = { type: 'string', default: 'main', value: '<branch>', description: 'the branch the pull request targets' } as const;

export const SPECS = {
  render: command({
    name: 'render',
    summary: 'Build, validate and write rendered/<env>/ atomically (every environment by default).',
    usage: '[options]',
    flags: {
      env: ENV,
      quiet: { type: 'boolean', short: 'q', description: 'print only errors and warnings' },
      'lock-timeout': { type: 'string', default: '120', value: '<seconds>', description: 'wait this long for another render holding rendered/.lock, then fail' },
    },
    details: 'Exit status: 0 written (or already up to date), 1 a model or validation error (rendered/ left as it was), 2 usage error.',
  }),
  check: command({
    name: 'check',
    summary: 'Fail when the committed rendered/ differs from a fresh render, or validation fails.',
    usage: '[options]',
    flags: { env: ENV },
    details: 'Exit status: 0 up to date, 1 stale (lists added, changed and deleted files) or invalid, 2 usage error.',
  }),
  validate: command({
    name: 'validate',
    summary: 'Validate manifest files as kubectl, the API server and Argo CD would read them.',
    usage: '[options] <file|dir>...',
    positionals: ['<file|dir>...', 'manifests (.yaml, .yml, .json); folders are searched recursively'],
    flags: {
      'kube-version': { type: 'string', value: '<x.y>', description: "target Kubernetes version (default: the environment's for rendered/<env>/, else the newest known)" },
      inventory: { type: 'string', multiple: true, value: '<file>', description: 'objects that already exist in the cluster (multi-document YAML, YAML/JSON array, or kind: List)' },
      format: { type: 'string', default: 'text', choices: ['text', 'json', 'sarif'], value: '<format>', description: 'output format' },
      'strict-policy': { type: 'boolean', description: "policy findings are errors (default: the environment's setting for rendered/<env>/)" },
      closed: { type: 'boolean', description: 'the files are the whole bundle: a reference to an object not in them is an error, not a note' },
    },
    details: [
      'Files under rendered/<env>/ (or a folder named after an environment) form one bundle per environment;',
      'other files form one bundle. References to objects outside the given files are one note',
      '(ref/outside-bundle) unless --closed; a whole rendered/<env>/ folder is always closed.',
      'Exit status: 0 no errors (notes and warnings allowed), 1 errors found, 2 usage error, unreadable,',
      'binary or non-YAML input, or no manifests at all.',
    ].join('\n'),
  }),
  diff: command({
    name: 'diff',
    summary: 'Object-level diff of the rendered manifests between two refs, with a rollout review.',
    usage: '--base <ref> [options]',
    flags: {
      base: { type: 'string', value: '<ref>', description: 'the git ref to compare with (required), e.g. origin/main or the merge base' },
      head: { type: 'string', value: '<ref>', description: 'the other side (default: a fresh render of the working tree)' },
      format: { type: 'string', default: 'text', choices: ['text', 'markdown', 'json'], value: '<format>', description: 'output format' },
      output: { type: 'string', value: '<file>', description: 'write the diff to a file instead of stdout' },
      'out-dir': { type: 'string', value: '<dir>', description: 'write diff.txt, diff.json, diff.md and comment.md there (CI)' },
      'max-chars': { type: 'string', value: '<n>', description: 'cut the markdown to this many characters (default: what a GitHub comment holds)' },
      'full-diff-url': { type: 'string', value: '<url>', description: 'link to the full diff when the comment is cut (default: the Actions run)' },
      'repo-dir': { type: 'string', value: '<dir>', description: 'the repository (default: the git top level of the current directory)' },
      'step-summary': { type: 'boolean', default: false, description: 'also append the markdown to $GITHUB_STEP_SUMMARY' },
      append: { type: 'string', multiple: true, value: '<file.md>', description: 'markdown sections to add after the diff (e.g. the migration report)' },
    },
  }),
  'pr-comment': command({
    name: 'pr-comment',
    summary: 'Post or update the sticky pull request comment with a diff file (used by CI).',
    usage: '--repo <owner/name> (--pr <n> | --head-owner <o> --head-branch <b> --head-sha <sha>) --file <diff.md>',
    flags: {
      repo: REPO,
      pr: { type: 'string', value: '<n>', description: 'the pull request number' },
      'head-owner': { type: 'string', value: '<owner>', description: "the head repository's owner (forks), to find the pull request by its head" },
      'head-branch': { type: 'string', value: '<branch>', description: 'the head branch, to find the pull request by its head' },
      'head-sha': { type: 'string', value: '<sha>', description: 'the head commit: skip when the pull request moved on' },
      file: { type: 'string', value: '<file.md>', description: 'the comment body (required)' },
      marker: { type: 'string', default: 'gitops-diff', value: '<id>', description: 'the hidden marker that identifies the sticky comment' },
      'soft-fail': { type: 'boolean', default: false, description: 'a 401/403/404 from GitHub is a warning, exit 0' },
      'missing-ok': { type: 'boolean', default: false, description: 'a missing --file posts a "no diff for this push" notice' },
      'run-url': { type: 'string', value: '<url>', description: 'the workflow run to link in that notice' },
      as: { type: 'string', value: '<login>', description: "the token's own login (e.g. github-actions[bot]): only its comments are adopted; default: GET /user" },
    },
  }),
  migrations: command({
    name: 'migrations check',
    summary: 'Zero-downtime checks of database migrations, linted and proven on a real PostgreSQL.',
    usage: '[options] <app|file.sql>...',
    positionals: ['<app|file.sql>...', 'an app (apps/<app>/migrations after the pin of the environment furthest behind), or SQL files in order'],
    flags: {
      'base-schema': { type: 'string', value: '<file.sql>', description: 'schema before the migration (files)' },
      'given-sql': { type: 'string', multiple: true, value: '<stmt>', description: 'extra prior state' },
      'previous-queries': { type: 'string', value: '<file>', description: 'statements the running release issues, one per line' },
      'pg-version': { type: 'string', value: '<major>', description: "target PostgreSQL major (default: the app's postgres tag, else 16)" },
      'lock-timeout': { type: 'string', value: '<duration>', description: "lock_timeout the runner sets (apps: the PreSync Job's; files: none)" },
      since: { type: 'string', value: '<name|none>', description: 'apps: check everything after this migration instead of the prod pin' },
      all: { type: 'boolean', description: 'every app that has apps/<app>/migrations' },
      static: { type: 'boolean', description: 'lint only, no server' },
      format: { type: 'string', default: 'text', choices: ['text', 'json', 'markdown'], value: '<format>', description: 'output format' },
      output: { type: 'string', value: '<file>', description: 'write the report to a file instead of stdout' },
      'exit-zero': { type: 'boolean', description: 'report only: exit 0 even when unsafe' },
      'changed-since': { type: 'string', value: '<git-ref>', description: 'skip (exit 0) when no apps/*/migrations/ file, queries.sql or migrations.lock.json changed since <git-ref>; fail when a migration that existed there was edited or deleted, a lock entry rewritten or queries.sql deleted' },
    },
    details: [
      '`npm run migrations -- lock [<app>...]` records the checksums of the pinned migrations in apps/<app>/migrations.lock.json.',
      'Exit status: 0 safe, 1 unsafe (an error-level finding), 2 usage error.',
    ].join('\n'),
  }),
  promote: command({
    name: 'promote',
    summary: "Promote pinned versions from one environment to another (or revert the target's).",
    usage: '--to <env> [--from <env>] [options] [app | platform | platform/<pin>]...',
    positionals: ['[app | platform | platform/<pin>]...', 'what to promote (default: everything that differs)'],
    flags: {
      from: { type: 'string', default: 'dev', value: '<env>', description: 'the environment whose pins are promoted' },
      to: { type: 'string', value: '<env>', description: 'the environment to change (required)' },
      'allow-major': { type: 'boolean', default: false, description: 'allow a major version step' },
      revert: { type: 'boolean', default: false, description: "set the target's pins back to their previous values" },
      ref: { type: 'string', value: '<commit>', description: 'with --revert: the commit whose pins to restore' },
      'dry-run': { type: 'boolean', default: false, description: 'show the change, write nothing' },
      'open-pr': { type: 'boolean', default: false, description: 'commit, push promote/<env> and open or update its pull request' },
      apps: { type: 'string', value: '<names>', description: 'what to promote as one space-separated argument (the workflow input), added to the positionals' },
      repo: REPO,
      remote: REMOTE,
      base: BASE_BRANCH,
    },
  }),
  preview: command({
    name: 'preview',
    summary: "Render a pull request's preview environment; publish or remove it (CI).",
    usage: '--pr <n> [options]',
    flags: {
      pr: { type: 'string', value: '<n>', description: 'the pull request number (required)' },
      out: { type: 'string', value: '<dir>', description: 'where to write (default: rendered/previews/pr-<n>)' },
      publish: { type: 'string', value: '<dir>', description: 'check a rendered folder and write it to the previews branch' },
      remove: { type: 'boolean', default: false, description: 'delete the preview from the previews branch' },
      publisher: { type: 'string', value: '<login>', description: 'the identity that commits to the previews branch (the App\'s <slug>[bot]); a tip by anyone else is refused' },
      comment: { type: 'boolean', default: false, description: "keep the pull request's sticky preview comment current" },
      repo: REPO,
      remote: REMOTE,
    },
  }),
  release: command({
    name: 'release',
    summary: "Bump an app's image version in an environment (dev); optionally open its release PR.",
    usage: '--app <app> --version <version> [options]',
    flags: {
      app: { type: 'string', value: '<app>', description: 'the app to release (required)' },
      version: { type: 'string', value: '<version>', description: 'the new image version, semver (required)' },
      image: { type: 'string', value: '<name>', description: 'which image of the app, when it has several' },
      'image-tag': { type: 'string', value: '<tag>', description: 'images/<name>/v<version>: the git tag images.yml built (names app, image and version)' },
      env: { type: 'string', default: 'dev', value: '<env>', description: 'the environment to release to' },
      'open-pr': { type: 'boolean', default: false, description: 'commit, push release/<app> and open or update its pull request' },
      'no-auto-merge': { type: 'boolean', default: false, description: 'with --open-pr: do not ask GitHub to auto-merge it' },
      repo: REPO,
      remote: REMOTE,
      base: BASE_BRANCH,
    },
  }),
  seal: command({
    name: 'seal',
    summary: "Seal Secret values with an environment's Sealed Secrets certificate into environments/<env>.sealed.json.",
    usage: '--env <env> --namespace <ns> --name <secret> (--from-literal k=v | --generate k[:len] | --from-file k=path)... [options]',
    flags: {
      env: { type: 'string', short: 'e', value: '<env>', description: 'the environment whose certificate seals (required)' },
      namespace: { type: 'string', short: 'n', value: '<ns>', description: "the Secret's namespace" },
      name: { type: 'string', value: '<secret>', description: "the Secret's name (a DNS subdomain)" },
      'from-literal': { type: 'string', multiple: true, value: '<k=v>', description: 'a value given on the command line (beware shell history)' },
      'from-file': { type: 'string', multiple: true, value: '<k=path>', description: 'a value read from a file (any bytes; /dev/stdin works)' },
      generate: { type: 'string', multiple: true, value: '<k[:length]>', description: 'a random value (32 characters by default)' },
      scope: { type: 'string', choices: ['strict', 'namespace-wide', 'cluster-wide'], value: '<scope>', description: 'what the ciphertext is bound to (default: strict, namespace and name)' },
      replace: { type: 'boolean', description: "replace the Secret's sealed keys instead of merging" },
      copy: { type: 'string', multiple: true, value: '<k=ns/name/key>', description: 'seal the same value into another Secret too' },
      'generate-missing': { type: 'boolean', description: 'seal random values for every key a workload needs that nothing provides' },
      list: { type: 'boolean', description: 'print the secret inventory: every Secret referenced and what provides it' },
      'new-key': { type: 'string', value: '<file>', description: 'make a new key pair: certificate committed, private key + certificate to <file> (outside the repository)' },
    },
    details: 'Plaintext never touches disk. Exit status: 0 sealed, 1 an error, 2 usage error (nothing written).',
  }),
  bootstrap: command({
    name: 'bootstrap',
    summary: 'Bring a fresh cluster to the point where Argo CD takes over (namespaces, CNI, Argo CD, Sealed Secrets, root app).',
    usage: '--env <env> [--dry-run] [--context <ctx>] [--sealing-key <file>] [--timeout <dur>]',
    flags: {
      env: { type: 'string', value: '<env>', description: 'the environment to bootstrap (required)' },
      'dry-run': { type: 'boolean', default: false, description: 'print the ordered kubectl commands, run nothing' },
      context: { type: 'string', value: '<ctx>', description: 'the kubectl context, passed to every call' },
      'sealing-key': { type: 'string', value: '<file>', description: "the operator's Sealed Secrets key pair (private key + certificate, PEM)" },
      timeout: { type: 'string', default: '5m', value: '<dur>', description: 'how long each wait may take (90s, 5m, 1h)' },
      prerequisites: { type: 'boolean', default: false, description: "print the environment's node and network checklist (markdown) and exit" },
    },
    details: 'Idempotent (server-side apply). Exit status: 0 done, 1 a step failed (named), 2 usage error.',
  }),
  wait: command({
    name: 'wait',
    summary: 'Wait until every Argo CD Application is Synced and Healthy, wave by wave; on failure write a diagnostic bundle.',
    usage: '--env <env> [--timeout <dur>] [--diagnostics <dir>] [--context <ctx>]',
    flags: {
      env: { type: 'string', value: '<env>', description: "the environment whose Applications to wait for (required): its rendered Applications must all exist" },
      context: { type: 'string', value: '<ctx>', description: 'the kubectl context, passed to every call' },
      timeout: { type: 'string', default: '20m', value: '<dur>', description: 'give up after this long (90s, 20m, 1h)' },
      'poll-interval': { type: 'string', default: '10s', value: '<dur>', description: 'time between two looks at the Applications' },
      'degraded-grace': { type: 'string', default: '3m', value: '<dur>', description: 'how long an Application may stay Degraded (or its sync Failed) before the wait fails' },
      diagnostics: { type: 'string', value: '<dir>', description: 'on failure, write Applications, events, describes of unhealthy objects and Argo CD logs there' },
    },
    details: 'Exit status: 0 every Application Synced and Healthy, 1 one stuck Degraded or the timeout (one line naming them), 2 usage error.',
  }),
  images: command({
    name: 'images',
    summary: 'The images this repository builds: list them, or plan the build of a release tag (CI).',
    usage: 'list | plan --tag images/<name>/v<version> [--github-output <file>]',
    positionals: ['list | plan', 'list the owned images, or print what images.yml builds for --tag'],
    flags: {
      tag: { type: 'string', value: '<tag>', description: 'plan: the pushed tag images/<name>/v<version>' },
      'github-output': { type: 'string', value: '<file>', description: 'plan: also append the outputs to this file ($GITHUB_OUTPUT)' },
    },
  }),
} as const;

export type CommandName = keyof typeof SPECS;
export const COMMANDS = Object.keys(SPECS) as CommandName[];

/** `node render/cli.ts --help`. */
export function commandList(): string {
  const width = Math.max(...COMMANDS.map((c) => c.length)) + 2;
  return [
    'usage: node render/cli.ts <command> [options]   (npm run <command> -- [options])',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.padEnd(width)}${SPECS[c].summary}`),
    '',
    '`npm run <command> -- --help` shows the options of one command; `node render/cli.ts --version` the version.',
    '',
  ].join('\n');
}
