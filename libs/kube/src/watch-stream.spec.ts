import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { watchEvents, type WatchEvent } from './watch-stream.ts';

async function eventsOf(chunks: readonly (Buffer | string)[]): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for await (const event of watchEvents(Readable.from(chunks), 'watch GSLBConfig avi-system on c1')) out.push(event);
  return out;
}

const line = (type: string, name: string, rv: string): string => `${JSON.stringify({ type, object: { metadata: { name, resourceVersion: rv } } })}\n`;

describe('watchEvents', () => {
  describe('when every chunk holds whole lines', () => {
    it('yields one event per line, in order', async () => {
      const events = await eventsOf([line('ADDED', 'a', '1') + line('MODIFIED', 'a', '2'), line('BOOKMARK', '', '7')]);
      expect(events.map((e) => `${e.type} ${String((e.object['metadata'] as { resourceVersion: string }).resourceVersion)}`)).toEqual(['ADDED 1', 'MODIFIED 2', 'BOOKMARK 7']);
    });
  });

  describe('when chunks split lines anywhere', () => {
    it('yields the same events for every split point', async () => {
      const text = line('ADDED', 'a', '1') + line('DELETED', 'b', '2') + line('ERROR', '', '3');
      const whole = await eventsOf([text]);
      for (let cut = 1; cut < text.length; cut += 1) {
        expect(await eventsOf([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
      }
      expect(await eventsOf([...text])).toEqual(whole);
    });

    it('keeps a multi-byte character cut between two chunks', async () => {
      const bytes = Buffer.from(line('ADDED', 'gslb-ü-€', '1'));
      const cut = bytes.indexOf(Buffer.from('€')) + 1;
      const events = await eventsOf([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect((events[0]?.object['metadata'] as { name: string }).name).toBe('gslb-ü-€');
    });
  });

  describe('when the stream ends without a final newline or with blank lines', () => {
    it('yields the last event and skips blank lines', async () => {
      const events = await eventsOf(['\n', line('ADDED', 'a', '1'), '\n\r\n', line('ADDED', 'b', '2').trimEnd()]);
      expect(events.map((e) => (e.object['metadata'] as { name: string }).name)).toEqual(['a', 'b']);
    });
  });

  describe('when a line is not an event', () => {
    it.each([
      ['not JSON', '{"type":"ADDED",\n', /not JSON/],
      ['an unknown type', '{"type":"SURPRISE","object":{}}\n', /without a known type/],
      ['no object', '{"type":"ADDED"}\n', /without a known type/],
    ])('fails on %s with an unavailable error naming the watch', async (_what, text, message) => {
      await expect(eventsOf([text])).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(message) });
    });
  });
});
