// Label selector matching (matchLabels + matchExpressions), used by every cross-reference
// that selects pods.
import { asArray, asString, isObject } from './json.ts';

/** metav1.LabelSelector semantics: `{}` selects everything, null/absent nothing. */
export function selects(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(selector)) return false;
  if (isObject(selector.matchLabels)) {
    for (const [k, v] of Object.entries(selector.matchLabels)) {
      if (labels[k] !== v) return false;
    }
  }
  for (const expr of asArray(selector.matchExpressions)) {
    if (!isObject(expr)) return false;
    const key = asString(expr.key) ?? '';
    const values = asArray(expr.values).filter((v): v is string => typeof v === 'string');
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service-style plain map selector: every pair must be present. */
export function selectsMap(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const k of Object.keys(selector)) {
    if (labels[k] !== selector[k]) return false;
  }
  return true;
}

export function isEmptySelector(selector: unknown): boolean {
  if (!isObject(selector)) return false;
  const ml = isObject(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  return ml === 0 && asArray(selector.matchExpressions).length === 0;
}
