// Declarations of the stand-in, shaped like @kosko/env 1.x's (`global()` and `component()` return
// `any` until a project narrows them by declaration merging, as kosko's TypeScript docs show).
// `export =` because index.js is CommonJS without __esModule: `import env from "@kosko/env"`
// receives module.exports itself, under Node's ES modules and under tsx alike.
declare namespace env {
  interface Paths {
    global: string;
    component: string;
  }
  type Reducer = (values: Record<string, unknown>, target: { type: "global" } | { type: "component"; name: string }) => Record<string, unknown>;
  // Filled in by the project (typings/@kosko__env/index.d.ts).
  interface GlobalEnvironment {}
  interface ComponentEnvironment {}
  interface Environment {
    cwd: string;
    env: string | string[] | undefined;
    extensions: string[] | undefined;
    paths: Paths;
    setReducers(fn: (reducers: Reducer[]) => Reducer[]): void;
    global(): any;
    component(name: string): any;
  }
}
declare const env: env.Environment;
export = env;
