/**
 * "Who" made a change, as close as the Kubernetes API tells: the field managers of the newest
 * `managedFields` entries (kubectl-edit, kubectl-client-side-apply, helm, amko-fed, …). Entries
 * carry the time of their last write; the managers written at the newest time are the change's.
 * Entries without a time count only when no entry has one. The API server's times have second
 * precision, so managers that wrote within the same second as the change are all named.
 */
export function managersOfChange(managedFields: unknown): string[] {
  if (!Array.isArray(managedFields)) return [];
  let newest = '';
  const byTime: { manager: string; time: string }[] = [];
  for (const entry of managedFields) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { manager, time } = entry as { manager?: unknown; time?: unknown };
    if (typeof manager !== 'string' || manager === '') continue;
    const at = typeof time === 'string' ? time : '';
    byTime.push({ manager, time: at });
    // RFC 3339 times from the API server are UTC with second precision: they order as strings.
    if (at > newest) newest = at;
  }
  const chosen = byTime.filter((entry) => entry.time === newest).map((entry) => entry.manager);
  return [...new Set(chosen)].sort();
}
