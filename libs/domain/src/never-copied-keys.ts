/**
 * Metadata keys that never travel from the leader to a follower, whatever a kind's
 * `copiedAnnotations` say (ARCHITECTURE §3): helm ownership metadata
 * (`app.kubernetes.io/managed-by`, `meta.helm.sh/*`, `helm.sh/*`) and kubectl's
 * last-applied-configuration.
 */

export const HELM_MANAGED_BY_KEY = 'app.kubernetes.io/managed-by';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export function isNeverCopiedKey(key: string): boolean {
  return (
    key === HELM_MANAGED_BY_KEY ||
    key === LAST_APPLIED_ANNOTATION ||
    key.startsWith('meta.helm.sh/') ||
    key.startsWith('helm.sh/')
  );
}
