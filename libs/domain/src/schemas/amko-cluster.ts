/**
 * AMKOCluster (amko.vmware.com/v1alpha1), deploy/crds/amko.vmware.com_amkoclusters.yaml.
 * The CRD declares no required fields and no defaults: a missing field reads as Go's zero value
 * (false / "" / []), which is how AMKO's checks treat it.
 */
import { z } from 'zod';
import { kubeObjectSchema } from './kube-object.ts';

export const amkoClusterSpecSchema = z.looseObject({
  /** Whether this cluster is the federation leader (absent = false). */
  isLeader: z.boolean().optional(),
  /** This cluster's own kubeconfig context name. */
  clusterContext: z.string().optional(),
  /** AMKO version; members must run exactly the same string. */
  version: z.string().optional(),
  /** Federation set: kubeconfig context names (this cluster's own entry is ignored). */
  clusters: z.array(z.string()).optional(),
});
export type AMKOClusterSpec = z.infer<typeof amkoClusterSpecSchema>;

/** One status condition; every field is `omitempty` in AMKO's Go type. */
export const amkoClusterConditionSchema = z.looseObject({
  type: z.string().optional(),
  status: z.string().optional(),
  reason: z.string().optional(),
});
export type AMKOClusterCondition = z.infer<typeof amkoClusterConditionSchema>;

export const amkoClusterStatusSchema = z.looseObject({
  conditions: z.array(amkoClusterConditionSchema).optional(),
});
export type AMKOClusterStatus = z.infer<typeof amkoClusterStatusSchema>;

export const amkoClusterSchema = kubeObjectSchema.extend({
  spec: amkoClusterSpecSchema.optional(),
  status: amkoClusterStatusSchema.optional(),
});
export type AMKOCluster = z.infer<typeof amkoClusterSchema>;
