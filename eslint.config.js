// ESLint flat config: typescript-eslint + Nx module boundaries (ARCHITECTURE §5).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// `testOnly` tags are allowed, on top of the production rule, in test, bench and helper files;
// `allow` lists import paths that skip the rule.
const boundaries = (testOnly, allow = []) => {
  const rule = (sourceTag, tags) => ({ sourceTag, onlyDependOnLibsWithTags: [...tags, ...testOnly] });
  return {
    enforceBuildableLibDependency: false,
    allow,
    depConstraints: [
      rule('type:domain', []),
      rule('type:adapter', ['type:domain']),
      rule('type:emulator', []),
      rule('type:testing', ['type:domain', 'type:emulator']),
      rule('type:service', ['type:domain']),
      rule('type:app', ['type:domain', 'type:adapter', 'type:service']),
      rule('type:sandbox', ['type:domain', 'type:adapter', 'type:service', 'type:emulator', 'type:testing']),
      rule('type:system-test', ['type:domain', 'type:adapter', 'type:service']),
    ],
  };
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.tools/**', '**/dist/**', '.nx/**', 'coverage/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { '@nx': nx },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', structuredClone: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries([])],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-throw-literal': 'error',
      'no-restricted-syntax': ['error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` object and a union type instead of enum (STYLE.md §5).' }],
      'no-restricted-properties': ['error',
        { object: 'process', property: 'env', message: 'Read the environment only in loadConfig(env) (STYLE.md §7); pass values in.' }],
    },
  },
  {
    // Tests may also use the emulator and the test helpers, and read the environment.
    files: ['**/*.spec.ts', '**/test/**/*.ts', '**/bench/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(['type:emulator', 'type:testing'])],
      'no-restricted-properties': 'off',
    },
  },
  {
    // The deploy check compares the manifests with the apps' config loaders, which no package exports.
    files: ['test/deploy/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error',
        boundaries(['type:emulator', 'type:testing'], ['^\\.\\./\\.\\./apps/(watcher|replicator)/src/config\\.ts$'])],
    },
  },
  {
    // Each project's vitest config takes the suite definitions from the root (vitest.shared.ts).
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Composition roots and their config loaders are where the environment enters.
    files: ['**/src/main.ts', '**/src/config.ts', '**/src/cli.ts', 'scripts/**', '*.config.ts', '*.config.js', 'vitest.shared.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
