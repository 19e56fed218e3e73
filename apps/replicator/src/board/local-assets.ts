/**
 * bull-board with every asset served by the replicator itself. Its page links IBM Plex from Google
 * Fonts, which the air-gapped clusters GSLB often runs in cannot reach (and which would tell a third
 * party whenever someone opens the board). `withLocalAssets` wraps bull-board's fastify plugin:
 * the page's links to other hosts are removed and replaced by `fonts.css`, whose `@font-face`
 * rules point at the same weights shipped by @fontsource (OFL-1.1), served under `fonts/`.
 *
 * The page is rewritten as it leaves (not copied), so a bull-board upgrade that renames its hashed
 * bundles keeps working; the browser test (local-assets.int.spec.ts) proves that nothing leaves
 * the loopback address.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync, FastifyPluginCallback } from 'fastify';

/** The weights bull-board asks Google Fonts for (`IBM+Plex+Sans:wght@400;500;600`, `IBM+Plex+Mono:wght@400;500`). */
const FONT_WEIGHTS = [
  { family: 'ibm-plex-sans', weights: ['400', '500', '600'] },
  { family: 'ibm-plex-mono', weights: ['400', '500'] },
] as const;

/** The stylesheet the page links instead of Google Fonts (relative to the board's base path). */
export const FONTS_STYLESHEET = 'fonts.css';
const FONTS_DIR = 'fonts';

const CONTENT_TYPES: Record<string, string> = { woff2: 'font/woff2', woff: 'font/woff' };

/** The font stylesheet and the files it names (URL path below the board → file on disk). */
export interface LocalFonts {
  readonly css: string;
  readonly files: ReadonlyMap<string, string>;
}

/** Reads the @fontsource stylesheets once and rewrites their `url(./files/…)` to `fonts/<family>/…`. */
export function loadLocalFonts(): LocalFonts {
  const require = createRequire(import.meta.url);
  const files = new Map<string, string>();
  const sheets: string[] = [];
  for (const { family, weights } of FONT_WEIGHTS) {
    for (const weight of weights) {
      const cssPath = require.resolve(`@fontsource/${family}/${weight}.css`);
      const css = readFileSync(cssPath, 'utf8').replace(/url\(\.\/files\/([A-Za-z0-9._-]+)\)/g, (_match, file: string) => {
        files.set(`${family}/${file}`, join(dirname(cssPath), 'files', file));
        return `url(${FONTS_DIR}/${family}/${file})`;
      });
      sheets.push(css);
    }
  }
  return { css: sheets.join('\n'), files };
}

/** A `<link>` (stylesheet, preconnect, icon…) to another host: absolute or protocol-relative URL. */
const EXTERNAL_LINK = /<link\b[^>]*\bhref\s*=\s*["']?(?:[a-z][a-z0-9+.-]*:)?\/\/[^>]*>\s*/gi;

/** Removes the page's links to other hosts and links the local font stylesheet instead. */
export function localizeBoardPage(html: string): string {
  const local = `<link href="${FONTS_STYLESHEET}" rel="stylesheet">`;
  const stripped = html.replace(EXTERNAL_LINK, '');
  return stripped.includes('</head>') ? stripped.replace('</head>', `${local}</head>`) : `${local}${stripped}`;
}

/**
 * bull-board's plugin plus the local fonts, with the page rewritten by `localizeBoardPage`.
 * Register it where bull-board's plugin would go (`{ prefix: basePath }`).
 */
export function withLocalAssets(boardPlugin: FastifyPluginCallback, fonts: LocalFonts = loadLocalFonts()): FastifyPluginAsync {
  return async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      const type = reply.getHeader('content-type');
      if (typeof payload !== 'string' || typeof type !== 'string' || !type.startsWith('text/html')) return payload;
      return localizeBoardPage(payload);
    });
    scope.get(`/${FONTS_STYLESHEET}`, async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=86400').type('text/css; charset=utf-8').send(fonts.css),
    );
    scope.get<{ Params: { family: string; file: string } }>(`/${FONTS_DIR}/:family/:file`, async (request, reply) => {
      // Only files the stylesheet names are served: no path from the request reaches the disk.
      const path = fonts.files.get(`${request.params.family}/${request.params.file}`);
      if (path === undefined) return reply.code(404).send({ error: 'not found' });
      const extension = path.slice(path.lastIndexOf('.') + 1);
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .type(CONTENT_TYPES[extension] ?? 'application/octet-stream')
        .send(createReadStream(path));
    });
    await scope.register(boardPlugin);
  };
}
