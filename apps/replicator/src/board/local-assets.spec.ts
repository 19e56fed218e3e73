import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FONTS_STYLESHEET, loadLocalFonts, localizeBoardPage } from './local-assets.ts';

const bullBoardPage = (): string => {
  const require = createRequire(import.meta.url);
  return readFileSync(join(dirname(require.resolve('@bull-board/ui/package.json')), 'dist/index.ejs'), 'utf8');
};

describe('localizeBoardPage', () => {
  describe("when given bull-board's own page template", () => {
    it('removes the Google Fonts link and links the local stylesheet instead', () => {
      const page = bullBoardPage();
      expect(page).toContain('https://fonts.googleapis.com');
      const local = localizeBoardPage(page);
      expect(local).not.toMatch(/(?:href|src)\s*=\s*["']?(?:https?:)?\/\//i);
      expect(local).toContain(`<link href="${FONTS_STYLESHEET}" rel="stylesheet"></head>`);
      expect(local).toContain('static/css/main.');
    });
  });

  describe('when links point at other hosts in other spellings', () => {
    it.each([
      ['<head><link rel="preconnect" href="https://fonts.gstatic.com" crossorigin></head>'],
      ["<head><link href='//cdn.example.com/x.css' rel=stylesheet></head>"],
      ['<head><link rel="stylesheet" href=http://cdn.example.com/x.css></head>'],
    ])('removes %s', (html) => {
      expect(localizeBoardPage(html)).toBe(`<head><link href="${FONTS_STYLESHEET}" rel="stylesheet"></head>`);
    });

    it('keeps links to the board itself', () => {
      const html = '<head><link href="static/css/main.css" rel="stylesheet"></head>';
      expect(localizeBoardPage(html)).toBe(`<head><link href="static/css/main.css" rel="stylesheet"><link href="${FONTS_STYLESHEET}" rel="stylesheet"></head>`);
    });
  });
});

describe('loadLocalFonts', () => {
  describe('when the @fontsource packages are installed', () => {
    it('serves the weights bull-board asks for, each url naming a file that exists', () => {
      const fonts = loadLocalFonts();
      for (const face of ["font-family: 'IBM Plex Sans';\n  font-style: normal;\n  font-display: swap;\n  font-weight: 600;", "font-family: 'IBM Plex Mono';\n  font-style: normal;\n  font-display: swap;\n  font-weight: 500;"]) {
        expect(fonts.css).toContain(face);
      }
      const urls = [...fonts.css.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1] ?? '');
      expect(urls.length).toBeGreaterThan(10);
      for (const url of urls) {
        expect(url).toMatch(/^fonts\/ibm-plex-(sans|mono)\/[a-z0-9-]+\.woff2?$/);
        const path = fonts.files.get(url.slice('fonts/'.length));
        expect(path !== undefined && existsSync(path)).toBe(true);
      }
    });
  });
});
