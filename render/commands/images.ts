// `npm run images -- list` — the images this repository builds (apps/images.ts).
// `npm run images -- plan --tag images/<name>/v<version> [--github-output <file>]` — what
// .github/workflows/images.yml builds for a release tag: recipe, build args, the image reference.
import { appendFileSync } from 'node:fs';
import { ownedImages } from '../../apps/images.ts';
import { parseImageTag } from '../delivery/image-release.ts';
import { parse, UsageError } from './args.ts';
import { SPECS } from './specs.ts';

export async function run(args: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const { values, positionals } = parse(SPECS.images, args);
  const [sub, ...extra] = positionals;
  if (extra.length) throw new UsageError(`images: unexpected argument "${extra[0]}"`);
  if (sub === 'list') {
    for (const i of Object.values(ownedImages)) {
      const buildArgs = Object.entries(i.recipe.buildArgs ?? {}).map(([k, v]) => ` --build-arg ${k}=${v}`).join('');
      out(`${i.repository}\t${i.recipe.dockerfile}${buildArgs}\t${i.source.repository}@${i.source.commit}\t→ ${i.release.app} ${i.release.pin}`);
    }
    return 0;
  }
  if (sub !== 'plan') throw new UsageError('images: expected `list` or `plan --tag images/<name>/v<version>`');
  if (!values.tag) throw new UsageError('images plan: --tag images/<name>/v<version> is required');
  const release = parseImageTag(values.tag);
  const buildArgs = Object.entries(release.image.recipe.buildArgs ?? {}).map(([k, v]) => `${k}=${v}`);
  const outputs: Array<[string, string]> = [
    ['name', release.image.name],
    ['repository', release.image.repository],
    ['version', release.version],
    ['ref', release.ref],
    ['context', release.image.recipe.context],
    ['dockerfile', release.image.recipe.dockerfile],
    ['build-args', buildArgs.join('\n')],
    ['source', `${release.image.source.repository}@${release.image.source.commit}`],
    ['app', release.image.release.app],
    ['pin', release.image.release.pin],
  ];
  // GitHub's multi-line output syntax; the delimiter cannot occur in these values.
  const lines = outputs.map(([k, v]) => (v.includes('\n') ? `${k}<<EOF_${k.toUpperCase()}\n${v}\nEOF_${k.toUpperCase()}` : `${k}=${v}`));
  if (values['github-output']) appendFileSync(values['github-output'], `${lines.join('\n')}\n`);
  for (const l of lines) out(l);
  return 0;
}
