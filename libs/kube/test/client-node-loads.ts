/**
 * Preload for child processes that must not load @kubernetes/client-node
 * (`node --import ./client-node-loads.ts …`): records every module of client-node that gets
 * resolved, by `import` or `require` alike (synchronous module hooks see both), and writes the
 * list (one URL a line) to CLIENT_NODE_LOADS_FILE when the process exits. An empty file: never loaded.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env['CLIENT_NODE_LOADS_FILE'];
if (file === undefined) throw new Error('CLIENT_NODE_LOADS_FILE is not set');
const loads = new Set<string>();
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    if (resolved.url.includes('/@kubernetes/client-node/')) loads.add(resolved.url);
    return resolved;
  },
});
writeFileSync(file, '');
process.on('exit', () => writeFileSync(file, [...loads].map((url) => `${url}\n`).join('')));
