// `validation.gitops/opt-out: "policy/probes=<reason>; policy/image-tag=<reason>"`: policy rules
// an object is exempt from, each with the reason a reviewer reads. Only policy rules can be
// waived; schema, API and reference findings describe objects the cluster will reject.
import { OPT_OUT_ANNOTATION, POLICY_RULE_IDS, RULES_BY_ID } from './rules.ts';
import { field, isObject } from './json.ts';

export interface OptOuts {
  rules: Set<string>;
  problems: { path: string; message: string }[];
}

export function parseOptOuts(object: unknown): OptOuts {
  const out: OptOuts = { rules: new Set(), problems: [] };
  if (!isObject(object) || !isObject(object.metadata) || !isObject(object.metadata.annotations)) return out;
  const raw = object.metadata.annotations[OPT_OUT_ANNOTATION];
  if (raw === undefined) return out;
  const path = field('metadata.annotations', OPT_OUT_ANNOTATION);
  if (typeof raw !== 'string') {
    out.problems.push({ path, message: 'must be a string "<rule-id>=<reason>; …"' });
    return out;
  }
  // Reasons may contain ";": an entry starts only where "<group>/<rule>=" follows one.
  for (const entry of raw.split(/;\s*(?=[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+\s*=)/)) {
    const text = entry.trim();
    if (text === '') continue;
    const eq = text.indexOf('=');
    const id = (eq < 0 ? text : text.slice(0, eq)).trim();
    const reason = eq < 0 ? '' : text.slice(eq + 1).trim();
    if (!POLICY_RULE_IDS.has(id)) {
      out.problems.push({
        path,
        message: RULES_BY_ID.has(id)
          ? `"${id}" cannot be opted out of: only policy rules can (${[...POLICY_RULE_IDS].join(', ')})`
          : `unknown rule "${id}" (policy rules: ${[...POLICY_RULE_IDS].join(', ')})`,
      });
      continue;
    }
    if (reason === '') {
      out.problems.push({ path, message: `opting out of ${id} needs a reason: "${id}=<why this object is exempt>"` });
      continue;
    }
    out.rules.add(id);
  }
  return out;
}
