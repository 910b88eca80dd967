/** Kubernetes' time format (RFC 3339, whole seconds), as Argo writes startedAt and finishedAt. @example kubeTime(new Date(0)) // '1970-01-01T00:00:00Z' */
export const kubeTime = (d: Date = new Date()): string => d.toISOString().replace(/\.\d+Z$/, 'Z')
