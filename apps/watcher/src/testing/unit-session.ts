/** A leader session over a unit site (unit-site.ts), started: the session specs' one way to run it. */
import { createLeaderSession, type LeaderSession } from '../session/leader-session.ts';
import { silentLogger } from './unit-objects.ts';
import type { UnitSite } from './unit-site.ts';

export function startLeaderSession(site: UnitSite): LeaderSession {
  const session = createLeaderSession({
    config: site.config,
    logger: silentLogger(),
    local: site.local,
    stores: site.stores,
    storesReady: async () => site.readiness,
    metrics: site.metrics,
    memberClients: site.memberClients,
    membersSource: site.membersSource,
  });
  session.start();
  return session;
}
