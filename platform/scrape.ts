// The `prometheus.io/*` pod annotations: how a workload asks to be scraped. The `annotated-pods`
// PodMonitor (platform/prometheus.ts) reads exactly these; models that expose metrics write them
// with `scrapeAnnotations`, so the convention is spelled once.

export const scrapeAnnotation = {
  scrape: 'prometheus.io/scrape',
  port: 'prometheus.io/port',
  path: 'prometheus.io/path',
  scheme: 'prometheus.io/scheme',
} as const;

/** The annotations that make a pod scraped on `port` (and `path`). */
export function scrapeAnnotations(port: number, path = '/metrics'): Record<string, string> {
  return { [scrapeAnnotation.path]: path, [scrapeAnnotation.port]: String(port), [scrapeAnnotation.scrape]: 'true' };
}
