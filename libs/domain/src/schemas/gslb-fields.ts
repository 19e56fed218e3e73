/**
 * Field shapes shared by GlobalDeploymentPolicy and GSLBHostRule (deploy/crds/gdp_def.yaml,
 * gslbhostrule_def.yaml).
 *
 * Enumerations and numeric bounds are NOT enforced here: the API server already enforces the CRD
 * that is installed, and a newer AMKO CRD may allow values this code has never heard of. Refusing
 * such an object would stop federation at an AMKO upgrade; the job of this system is to copy
 * faithfully. The known values are exported for code that wants to display or check them.
 */
import { z } from 'zod';

export const GSLB_LB_ALGORITHMS = [
  'GSLB_ALGORITHM_CONSISTENT_HASH',
  'GSLB_ALGORITHM_GEO',
  'GSLB_ALGORITHM_ROUND_ROBIN',
  'GSLB_ALGORITHM_TOPOLOGY',
] as const;
export const GSLB_GEO_FALLBACK_ALGORITHMS = ['GSLB_ALGORITHM_ROUND_ROBIN', 'GSLB_ALGORITHM_CONSISTENT_HASH'] as const;
export const GSLB_DOWN_RESPONSE_TYPES = [
  'GSLB_SERVICE_DOWN_RESPONSE_NONE',
  'GSLB_SERVICE_DOWN_RESPONSE_ALL_RECORDS',
  'GSLB_SERVICE_DOWN_RESPONSE_FALLBACK_IP',
  'GSLB_SERVICE_DOWN_RESPONSE_EMPTY',
] as const;

export const poolAlgorithmSettingsSchema = z.looseObject({
  /** One of GSLB_LB_ALGORITHMS on current AMKO. */
  lbAlgorithm: z.string().optional(),
  /** 1–31 on current AMKO. */
  hashMask: z.int().optional(),
  geoFallback: z
    .looseObject({
      /** One of GSLB_GEO_FALLBACK_ALGORITHMS on current AMKO. */
      lbAlgorithm: z.string().optional(),
      hashMask: z.int().optional(),
    })
    .optional(),
});

export const downResponseSchema = z.looseObject({
  /** Required by the CRD; one of GSLB_DOWN_RESPONSE_TYPES on current AMKO. */
  type: z.string(),
  fallbackIP: z.string().optional(),
});

export const trafficSplitEntrySchema = z.looseObject({
  cluster: z.string().optional(),
  /** 1–20, default 1. */
  weight: z.int().optional(),
  /** GDP: 0–100, default 10; GSLBHostRule: ≥ 0, default 1. */
  priority: z.int().optional(),
});
