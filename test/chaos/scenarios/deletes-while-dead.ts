/**
 * Scenario 9: the replicator is dead (kill -9) while the leader deletes GSLBHostRules and deletes
 * and re-creates the GDP; then it starts again. The deletes are queued for it; none may be lost,
 * and the re-created GDP must end with its new value.
 */
import { GDP, GDP_NAME } from '../support/objects.ts';
import type { ChaosScenario } from './scenario.ts';

export const deletesWhileDead: ChaosScenario = {
  name: 'deletes-while-dead',
  fault: (p) => `replicator dead (kill -9) while the leader deletes ${p.deletesWhileDead} GSLBHostRules and deletes + re-creates the GDP`,
  async run({ federation, profile, workload, revive }) {
    const replicator = federation.app('replicator');
    await replicator.kill('SIGKILL');
    await workload.deleteRules(profile.deletesWhileDead);
    await workload.delete(GDP, GDP_NAME);
    await workload.updates(5);
    await workload.create(GDP, GDP_NAME);
    await revive(replicator);
  },
};
