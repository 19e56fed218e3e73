/** Schema lookup and parse helpers for the federated kinds. */
import type { z } from 'zod';
import type { FederatedKind } from '../kinds.ts';
import { amkoClusterSchema, type AMKOCluster } from './amko-cluster.ts';
import { globalDeploymentPolicySchema, type GlobalDeploymentPolicy } from './global-deployment-policy.ts';
import { gslbConfigSchema, type GSLBConfig } from './gslb-config.ts';
import { gslbHostRuleSchema, type GSLBHostRule } from './gslb-host-rule.ts';
import { kubeObjectSchema, type KubeObject } from './kube-object.ts';
import { parseWith, type ParseResult } from './parse-result.ts';

/** The schema of each federated kind. */
export const FEDERATED_KIND_SCHEMAS = {
  GSLBConfig: gslbConfigSchema,
  GlobalDeploymentPolicy: globalDeploymentPolicySchema,
  GSLBHostRule: gslbHostRuleSchema,
} as const satisfies Record<FederatedKind, z.ZodType>;

export type FederatedObject = GSLBConfig | GlobalDeploymentPolicy | GSLBHostRule;

/** Parses any Kubernetes object (metadata checked, everything else kept as is). */
export function parseKubeObject(input: unknown, what = 'Kubernetes object'): ParseResult<KubeObject> {
  return parseWith(kubeObjectSchema, input, what);
}

/** Parses an object of a federated kind against that kind's schema. */
export function parseFederatedObject(kind: FederatedKind, input: unknown): ParseResult<FederatedObject> {
  return parseWith(FEDERATED_KIND_SCHEMAS[kind], input, kind);
}

export function parseAMKOCluster(input: unknown): ParseResult<AMKOCluster> {
  return parseWith(amkoClusterSchema, input, 'AMKOCluster');
}
