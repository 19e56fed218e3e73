/**
 * GlobalDeploymentPolicy (amko.vmware.com/v1alpha2, short name `gdp`), deploy/crds/gdp_def.yaml.
 */
import { z } from 'zod';
import { kubeObjectSchema } from './kube-object.ts';
import { downResponseSchema, poolAlgorithmSettingsSchema, trafficSplitEntrySchema } from './gslb-fields.ts';

const labelSelectorSchema = z.looseObject({ label: z.record(z.string(), z.string()).optional() });

export const globalDeploymentPolicySpecSchema = z.looseObject({
  matchRules: z
    .looseObject({ appSelector: labelSelectorSchema.optional(), namespaceSelector: labelSelectorSchema.optional() })
    .optional(),
  matchClusters: z
    .array(z.looseObject({ cluster: z.string().optional(), syncVipOnly: z.boolean().optional() }))
    .optional(),
  trafficSplit: z.array(trafficSplitEntrySchema).optional(),
  healthMonitorRefs: z.array(z.string()).optional(),
  healthMonitorTemplate: z.string().optional(),
  /** 0–86400. */
  ttl: z.int().optional(),
  sitePersistenceRef: z.string().optional(),
  pkiProfileRef: z.string().optional(),
  poolAlgorithmSettings: poolAlgorithmSettingsSchema.optional(),
  downResponse: downResponseSchema.optional(),
  controlPlaneHmOnly: z.boolean().optional(),
  defaultDomain: z.string().optional(),
});
export type GlobalDeploymentPolicySpec = z.infer<typeof globalDeploymentPolicySpecSchema>;

export const globalDeploymentPolicySchema = kubeObjectSchema.extend({
  spec: globalDeploymentPolicySpecSchema,
  status: z.looseObject({ errorStatus: z.string().optional() }).optional(),
});
export type GlobalDeploymentPolicy = z.infer<typeof globalDeploymentPolicySchema>;
