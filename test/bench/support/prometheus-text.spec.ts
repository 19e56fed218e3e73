import { describe, expect, it } from 'vitest';
import { metricSum, metricSumBy } from './prometheus-text.ts';

const EXPOSITION = `# HELP amko_fed_watcher_jobs_enqueued_total Replication jobs enqueued, by follower cluster
# TYPE amko_fed_watcher_jobs_enqueued_total counter
amko_fed_watcher_jobs_enqueued_total{cluster="follower1"} 1000
amko_fed_watcher_jobs_enqueued_total{cluster="follower2"} 1001
amko_fed_watcher_jobs_enqueued_total_other 7
# TYPE amko_fed_kube_requests_total counter
amko_fed_kube_requests_total{cluster="follower1",verb="get",code="200"} 20
amko_fed_kube_requests_total{cluster="follower2",verb="get",code="404"} 2
amko_fed_kube_requests_total{cluster="follower1",verb="replace",code="200"} 10
amko_fed_kube_requests_total{cluster="follower1",subverb="x"} 5
amko_fed_kube_requests_total 3
`;

describe('metricSum', () => {
  it('does not count a metric whose name only starts with the one asked for', () => {
    expect(metricSum(EXPOSITION, 'amko_fed_watcher_jobs_enqueued_total')).toBe(2001);
  });

  it('counts a series without labels', () => {
    expect(metricSum(EXPOSITION, 'amko_fed_kube_requests_total')).toBe(40);
  });
});

describe('metricSumBy', () => {
  it('sums the series per value of the label, leaving out series without it', () => {
    expect(metricSumBy(EXPOSITION, 'amko_fed_kube_requests_total', 'verb')).toEqual(new Map([['get', 22], ['replace', 10]]));
  });

  it('is empty for an absent metric', () => {
    expect(metricSumBy(EXPOSITION, 'amko_fed_missing_total', 'verb').size).toBe(0);
  });
});
