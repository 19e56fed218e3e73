/** GSLBConfig (amko.vmware.com/v1alpha1, short name `gc`), deploy/crds/gslb_config_def.yaml. */
import { z } from 'zod';
import { kubeObjectSchema } from './kube-object.ts';

/** Known values of `spec.logLevel` (enforced by the API server, not here: see gslb-fields.ts). */
export const GSLB_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export const gslbConfigSpecSchema = z.looseObject({
  gslbLeader: z
    .looseObject({
      /** Name of the Secret holding the Avi controller credentials (a reference, not a secret). */
      credentials: z.string().optional(),
      controllerVersion: z.string().optional(),
      controllerIP: z.string().optional(),
      tenant: z.string().optional(),
    })
    .optional(),
  memberClusters: z.array(z.looseObject({ clusterContext: z.string().optional() })).optional(),
  refreshInterval: z.int().optional(),
  logLevel: z.string().optional(),
  useCustomGlobalFqdn: z.boolean().optional(),
});
export type GSLBConfigSpec = z.infer<typeof gslbConfigSpecSchema>;

export const gslbConfigSchema = kubeObjectSchema.extend({
  spec: gslbConfigSpecSchema,
  status: z.looseObject({ state: z.string().optional() }).optional(),
});
export type GSLBConfig = z.infer<typeof gslbConfigSchema>;
