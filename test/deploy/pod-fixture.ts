/**
 * What the cluster would hold for the pods of deploy/base in the deploy suites: the Secrets' keys
 * (pointing at a test federation), the downward-API fields, the watcher's in-cluster identity (a
 * kubeconfig for the leader, readable by any UID), and the check that the pair federates.
 */
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Federation } from '@amko-fed/testing';
import { collectionOf, eventually, GC, gslbConfigBody, specOn } from '../e2e/support.ts';
import type { PodSources } from './manifests.ts';

export function podSources(federation: Federation): PodSources {
  return {
    secrets: {
      'amko-federation-redis/url': federation.redisUrl,
      'amko-federation-board/username': 'admin',
      'amko-federation-board/password': 'board-secret',
      'gslb-config-secret/gslb-members': federation.membersKubeconfig,
    },
    fields: { 'metadata.namespace': 'avi-system', 'metadata.name': 'amko-federation-watcher-7c9d8-x2x4p' },
  };
}

/** A copy of the federation's leader kubeconfig in `dir`, mode 0644 (the watcher's stand-in for its ServiceAccount). */
export async function serviceAccountKubeconfig(federation: Federation, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'kubeconfig');
  await copyFile(federation.localKubeconfigFile, file);
  await chmod(file, 0o644);
  return file;
}

/** The leader creates a GSLBConfig; resolves when the first follower holds it. */
export async function federates(federation: Federation): Promise<void> {
  await federation.kube(federation.leader.name).create(collectionOf(GC), gslbConfigBody(37));
  const follower = federation.followers[0]?.name ?? '';
  await eventually(() => specOn(federation, follower, GC), (spec) => spec?.['refreshInterval'] === 37);
}
