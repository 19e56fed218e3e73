import { describe, expect, it } from 'vitest';
import { defaultCrdsDir } from './crd-loader.ts';
import { LauncherUsageError, parseLauncherArgs } from './launcher.ts';

describe('parseLauncherArgs', () => {
  describe('when the arguments are complete', () => {
    it('returns the options with defaults and paths resolved against cwd', () => {
      expect(parseLauncherArgs(['up', '--clusters', 'cluster1, cluster2', '--kubeconfig', 'kc.yaml'], '/tmp/work')).toEqual({
        kind: 'up',
        options: {
          clusters: ['cluster1', 'cluster2'],
          kubeconfig: '/tmp/work/kc.yaml',
          crdsDir: defaultCrdsDir,
          portBase: undefined,
          http: false,
          namespaces: ['avi-system'],
          bookmarkIntervalMs: 1000,
        },
      });
    });

    it('accepts any kubeconfig context name as a cluster name', () => {
      const names = ['avi-system/api-ocp2-example-com:6443/kube:admin', 'arn:aws:eks:us-east-1:123456789012:cluster/site3', 'site four', 'tag{east}', 'x'.repeat(250)];
      expect(parseLauncherArgs(['up', '--clusters', names.join(','), '--kubeconfig', 'k'], '/')).toMatchObject({ options: { clusters: names } });
    });

    it('reads every option', () => {
      const command = parseLauncherArgs(
        ['up', '--clusters', 'a', '--kubeconfig', '/k', '--crds', 'crds', '--port-base', '7000', '--http', '--namespace', 'x', '--namespace', 'y', '--bookmark-interval-ms', '50'],
        '/w',
      );
      expect(command).toMatchObject({ options: { crdsDir: '/w/crds', portBase: 7000, http: true, namespaces: ['x', 'y'], bookmarkIntervalMs: 50 } });
    });
  });

  describe('when help is asked', () => {
    it('returns help whatever else is given', () => {
      expect(parseLauncherArgs(['--help'], '/')).toEqual({ kind: 'help' });
      expect(parseLauncherArgs(['up', '-h'], '/')).toEqual({ kind: 'help' });
    });
  });

  describe('when the input is wrong', () => {
    it.each([
      [[], 'missing command'],
      [['down'], 'unknown command "down"'],
      [['up', '--kubeconfig', 'k'], '--clusters is required'],
      [['up', '--clusters', 'a'], '--kubeconfig FILE is required'],
      [['up', '--clusters', 'a\tb', '--kubeconfig', 'k'], 'cluster name "a\\tb" must not contain control characters'],
      [['up', '--clusters', 'a', '--kubeconfig', 'k', '--namespace', 'Bad'], 'namespace "Bad" must be a DNS label'],
      [['up', '--clusters', 'a,a', '--kubeconfig', 'k'], 'named twice'],
      [['up', '--clusters', 'a', '--kubeconfig', 'k', '--port-base', '0'], '--port-base must be an integer'],
      [['up', '--clusters', 'a', '--kubeconfig', 'k', '--nope'], "Unknown option '--nope'"],
    ])('rejects %j with a clear message', (args, message) => {
      expect(() => parseLauncherArgs(args, '/')).toThrow(LauncherUsageError);
      expect(() => parseLauncherArgs(args, '/')).toThrow(message);
    });
  });
});
