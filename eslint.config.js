// ESLint: the recommended rules of ESLint and typescript-eslint, over the TypeScript sources (type-aware rules
// are left out to keep `npm test` fast; `tsc --noEmit` already checks types strictly). Formatting is Prettier's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'data/', 'dist/', 'firmware/**/build/', 'flows/nodes/', '**/*.js', '!eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Build scripts run on Node: its globals.
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { URL: 'readonly', process: 'readonly', console: 'readonly' } } },
  {
    files: ['**/*.ts'],
    rules: {
      // Unused names are a compile error already (tsconfig noUnusedLocals); `_`-prefixed ones are deliberate.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Tests hand fakes to real code (`undefined as never`); the source has no `any` of its own.
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'off',
    },
  },
);
