// Hand-typed custom resources: the kinds no kubernetes-models package ships (MetalLB, Velero).
// Two halves, both shared by metallb-types.ts and velero-types.ts:
// - the ajv ValidateFunc protocol the generated models use, as small composable checks. The
//   team's validator finds unknown fields by watching which properties a validate function reads:
//   `object` reads every property the CRD knows (present or not), never one it doesn't, and only
//   free-form string maps enumerate keys;
// - `customResource`, which builds the kubernetes-models `Model` class of one kind, so a kind is
//   one line instead of a class body repeated per kind. The factory keeps the typing a hand-written
//   class had: `new X({...})` checks its data, instances carry `.spec` etc., `X.is` is a type
//   guard, and `X.apiVersion`/`X.kind` are what render/validate/schema-registry.ts indexes by.
import { Model, createTypeMetaGuard, setValidateFunc, type TypeMeta, type TypeMetaGuard } from '@kubernetes-models/base';
import type { ValidateFunc } from '@kubernetes-models/validate';
import { loadModule } from '../render/load-on-use.ts';

// ---- the ValidateFunc protocol -------------------------------------------------------------

export type SchemaError = NonNullable<ValidateFunc<unknown>['errors']>[number];

/** Checks one value at a JSON pointer, appending to `errors`. */
export type Check = (data: unknown, instancePath: string, errors: SchemaError[]) => void;

export const fail = (
  errors: SchemaError[],
  instancePath: string,
  keyword: string,
  params: Record<string, unknown>,
  message: string,
): void => {
  errors.push({ instancePath, schemaPath: `#/${keyword}`, keyword, params, message });
};

export const isObject = (data: unknown): data is Record<string, unknown> =>
  typeof data === 'object' && data !== null && !Array.isArray(data);

const typed =
  (type: 'string' | 'boolean' | 'integer', test: (data: unknown) => boolean): Check =>
  (data, path, errors) => {
    if (!test(data)) fail(errors, path, 'type', { type }, `must be ${type}`);
  };

export const string = typed('string', (d) => typeof d === 'string');
export const boolean = typed('boolean', (d) => typeof d === 'boolean');
export const integer = typed('integer', (d) => typeof d === 'number' && Number.isInteger(d));

export const arrayOf =
  (item: Check): Check =>
  (data, path, errors) => {
    if (!Array.isArray(data)) return fail(errors, path, 'type', { type: 'array' }, 'must be array');
    for (let i = 0; i < data.length; i++) item(data[i], `${path}/${i}`, errors);
  };

/** An object with known properties: every one is read (absent or not), no other key is touched. */
export const object =
  (properties: Record<string, Check>, required: readonly string[] = []): Check =>
  (data, path, errors) => {
    if (!isObject(data)) return fail(errors, path, 'type', { type: 'object' }, 'must be object');
    for (const [key, check] of Object.entries(properties)) {
      const value = data[key];
      if (value === undefined) {
        if (required.includes(key)) {
          fail(errors, path, 'required', { missingProperty: key }, `must have required property '${key}'`);
        }
      } else {
        check(value, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, errors);
      }
    }
  };

/**
 * Delegates to a generated kubernetes-models schema (same protocol, same read discipline). The
 * schema (and the ajv runtime it loads) is loaded when an object is first validated.
 */
export const generated = (load: () => (data: unknown) => boolean): Check => {
  let fn: (ValidateFunc<unknown> & ((data: unknown, ctx: { instancePath: string }) => boolean)) | undefined;
  return (data, instancePath, errors) => {
    fn ??= load() as NonNullable<typeof fn>;
    if (!fn(data, { instancePath }) && fn.errors) errors.push(...fn.errors);
  };
};

type SchemaModule = { validate: (data: unknown) => boolean };

export const objectMeta = generated(() => (loadModule('@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta') as SchemaModule).validate);

/** A Kubernetes label selector as the CRDs spell it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export const labelSelector = generated(() => (loadModule('@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1LabelSelector') as SchemaModule).validate);

/** apiVersion and kind as constants, and the standard ObjectMeta. */
export const typeMeta = (apiVersion: string, kind: string): Record<string, Check> => ({
  apiVersion: (data, path, errors) => {
    if (data !== apiVersion) fail(errors, path, 'const', { allowedValue: apiVersion }, `must be ${apiVersion}`);
  },
  kind: (data, path, errors) => {
    if (data !== kind) fail(errors, path, 'const', { allowedValue: kind }, `must be ${kind}`);
  },
  metadata: objectMeta,
});

/** A whole-object check as an ajv-style ValidateFunc (errors on `.errors`, null when valid). */
export function validateFunc<T>(check: Check): ValidateFunc<T> {
  const fn = ((data: unknown, ctx?: { instancePath?: string }): data is T => {
    const errors: SchemaError[] = [];
    check(data, ctx?.instancePath ?? '', errors);
    fn.errors = errors.length ? errors : null;
    return errors.length === 0;
  }) as ValidateFunc<T>;
  return fn;
}

// ---- the Model class of one kind ------------------------------------------------------------

/** An instance: the kubernetes-models Model (toJSON, validate) carrying the kind's fields. */
export type CustomResource<T extends TypeMeta> = Model<T> & T;

/** What a generated kubernetes-models class offers, for one hand-typed kind. */
export interface CustomResourceClass<T extends TypeMeta> {
  new (data: Omit<T, 'apiVersion' | 'kind'>): CustomResource<T>;
  readonly prototype: CustomResource<T>;
  readonly apiVersion: T['apiVersion'];
  readonly kind: T['kind'];
  readonly is: TypeMetaGuard<T>;
}

/**
 * The Model class of `kind`, validated by `validate`. Use as
 * `export const X = customResource<IX>(…); export type X = CustomResource<IX>;`
 * so `X` names both the class and its instances, as a class declaration would.
 */
export function customResource<T extends TypeMeta>(
  apiVersion: T['apiVersion'],
  kind: T['kind'],
  validate: ValidateFunc<T>,
): CustomResourceClass<T> {
  class Resource extends Model<T> {
    static apiVersion = apiVersion;
    static kind = kind;
    static is = createTypeMetaGuard<T>({ apiVersion, kind });
    constructor(data: Omit<T, 'apiVersion' | 'kind'>) {
      super();
      // apiVersion and kind first: the serialized key order is the render output's.
      this.setDefinedProps({ apiVersion, kind, ...data } as never);
    }
  }
  // The kind's own name in stack traces and test diffs, as a hand-written class would show.
  Object.defineProperty(Resource, 'name', { value: kind });
  setValidateFunc(Resource as never, validate as never);
  return Resource as unknown as CustomResourceClass<T>;
}
