/** GSLBHostRule (amko.vmware.com/v1alpha1, short name `ghr`), deploy/crds/gslbhostrule_def.yaml. */
import { z } from 'zod';
import { kubeObjectSchema } from './kube-object.ts';
import { downResponseSchema, poolAlgorithmSettingsSchema, trafficSplitEntrySchema } from './gslb-fields.ts';

export const gslbHostRuleSpecSchema = z.looseObject({
  fqdn: z.string().optional(),
  /** 0–86400. */
  ttl: z.int().optional(),
  sitePersistence: z
    .looseObject({
      enabled: z.boolean().optional(),
      profileRef: z.string().optional(),
      pkiProfileRef: z.string().optional(),
    })
    .optional(),
  thirdPartyMembers: z
    .array(z.looseObject({ vip: z.string().optional(), site: z.string().optional(), publicIP: z.string().optional() }))
    .optional(),
  controlPlaneHmOnly: z.boolean().optional(),
  healthMonitorRefs: z.array(z.string()).optional(),
  healthMonitorTemplate: z.string().optional(),
  poolAlgorithmSettings: poolAlgorithmSettingsSchema.optional(),
  trafficSplit: z.array(trafficSplitEntrySchema).optional(),
  /** Each entry requires both `cluster` and `ip` (CRD). */
  publicIP: z.array(z.looseObject({ cluster: z.string(), ip: z.string() })).optional(),
  downResponse: downResponseSchema.optional(),
});
export type GSLBHostRuleSpec = z.infer<typeof gslbHostRuleSpecSchema>;

export const gslbHostRuleSchema = kubeObjectSchema.extend({
  spec: gslbHostRuleSpecSchema,
  status: z.looseObject({ error: z.string().optional(), status: z.string().optional() }).optional(),
});
export type GSLBHostRule = z.infer<typeof gslbHostRuleSchema>;
