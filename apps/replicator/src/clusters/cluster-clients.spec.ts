import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnavailableError } from '@amko-fed/domain';
import { createLogger } from '@amko-fed/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterClients } from './cluster-clients.ts';

const TOKEN = 'TOKEN-SENTINEL-4c5d6e';
const MALFORMED = `users:\n- name: u\n  user: {token: ${TOKEN}\n`;
const VALID = [
  'clusters:',
  '- name: k',
  '  cluster: {server: "https://follower2.example:6443"}',
  'contexts:',
  '- name: follower2',
  '  context: {cluster: k, user: u}',
  'users:',
  '- name: u',
  `  user: {token: ${TOKEN}}`,
  '',
].join('\n');

const logger = createLogger({ name: 'test', level: 'silent' });
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amko-fed-cluster-clients-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function clientsFrom(source: { inline?: string; file?: { name: string; text: string } }) {
  let file: string | undefined;
  if (source.file !== undefined) {
    file = join(dir, source.file.name);
    await writeFile(file, source.file.text);
  }
  const clients = createClusterClients({ source: { inline: source.inline, file }, timeoutMs: 1_000, logger });
  await clients.refresh();
  return { clients, file: file ?? '' };
}

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('createClusterClients', () => {
  describe('when the members kubeconfig is malformed', () => {
    it.each([
      { given: 'GSLB_CONFIG_FILE', source: { file: { name: 'malformed', text: MALFORMED } }, named: 'GSLB_CONFIG_FILE <file>' },
      { given: 'GSLB_CONFIG', source: { inline: MALFORMED }, named: 'GSLB_CONFIG' },
      { given: 'GSLB_CONFIG_FILE although GSLB_CONFIG is set too (the file wins)', source: { inline: VALID, file: { name: 'wins', text: MALFORMED } }, named: 'GSLB_CONFIG_FILE <file>' },
    ])('names the source it came from, $given, and no credential', async ({ source, named }) => {
      const { clients, file } = await clientsFrom(source);
      const reason = `members kubeconfig (${named.replace('<file>', file)}) is not valid YAML: BAD_INDENT at line 4, column 1`;
      expect(clients.problem).toBe(reason);
      const err = thrown(() => clients.clientFor('follower2'));
      expect(err).toBeInstanceOf(UnavailableError);
      expect(err.message).toBe(`no client for cluster follower2: ${reason}`);
      expect(`${clients.problem} ${err.message}`).not.toContain(TOKEN);
    });
  });

  describe('when GSLB_CONFIG_FILE is empty', () => {
    it('says that file is empty', async () => {
      const { clients, file } = await clientsFrom({ file: { name: 'empty', text: '' } });
      expect(clients.problem).toBe(`members kubeconfig (GSLB_CONFIG_FILE ${file}) is empty`);
    });
  });

  describe('when the members kubeconfig is fixed', () => {
    it('clears the problem and builds the client', async () => {
      const { clients, file } = await clientsFrom({ file: { name: 'fixed', text: MALFORMED } });
      expect(clients.problem).toBeDefined();
      await writeFile(file, VALID);
      await clients.refresh();
      expect(clients.problem).toBeUndefined();
      expect(clients.clientFor('follower2')).toBeDefined();
    });
  });
});
