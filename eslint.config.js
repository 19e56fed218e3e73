// ESLint flat config: typescript-eslint + Nx module boundaries (ARCHITECTURE §5).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const boundaries = (extra) => ({
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints: [
    { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain'] },
    { sourceTag: 'type:emulator', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:emulator'] },
    { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:domain'] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:service', ...extra] },
    { sourceTag: 'type:sandbox', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:service', 'type:emulator', 'type:testing'] },
  ],
});

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
    files: ['**/*.spec.ts', 'test/**/*.ts', '**/bench/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(['type:emulator', 'type:testing'])],
      'no-restricted-properties': 'off',
    },
  },
  {
    // Composition roots and their config loaders are where the environment enters.
    files: ['**/src/main.ts', '**/src/config.ts', '**/src/cli.ts', 'scripts/**', '*.config.ts', '*.config.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
