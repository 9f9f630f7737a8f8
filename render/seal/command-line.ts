// The `npm run seal` line that fixes a missing value, for messages (convergence proof, --list).

/** Keys that are credentials an operator brings (a token, a key file) rather than random values. */
export function sealCommand(env: string, namespace: string, name: string, keys: readonly string[], how: 'generate' | 'literal'): string {
  const values = keys.length === 0 ? ['--from-file <key>=<file>'] : keys.map((k) => (how === 'generate' ? `--generate ${k}` : `--from-file ${k}=<file>`));
  return `npm run seal -- --env ${env} --namespace ${namespace} --name ${name} ${values.join(' ')}`;
}
