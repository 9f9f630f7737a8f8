// Types of the environment values (../../environments), by declaration merging into @kosko/env as
// kosko's TypeScript docs describe (website/docs/typescript.mdx in tommy351/kosko).
import "@kosko/env";

declare module "@kosko/env" {
  interface GlobalEnvironment {
    namespace: string;
    ingress: { className: string; entryPoints: { websecure: string }; certResolver: string };
  }

  interface ComponentEnvironment {
    // Fallback for components not listed below.
    [key: string]: unknown;
    synthetic: {
      apps: { name: string; replicas: number; tag: string; host: string; logLevel: "debug" | "warn" }[];
    };
  }

  interface Environment {
    global(): GlobalEnvironment;
    component<K extends string>(name: K): GlobalEnvironment & ComponentEnvironment[K];
  }
}
