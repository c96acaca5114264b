// One flat config for the whole monorepo: typescript-eslint's type-aware rules + Prettier owns formatting.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layers } from './infra/lint/layers.js';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/dist/', '.data/', '**/src/generated/', 'observability/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { layers },
    rules: {
      // Services never import each other; backend/pkg never imports a service (infra/lint/layers.js).
      'layers/no-cross-layer-import': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through @pkg/config in main.ts and pass it down.',
        },
      ],
    },
  },
  {
    // Entry points, tooling and tests may read the environment directly.
    files: [
      '**/main.ts',
      '**/test/**',
      '**/features/**',
      'infra/**',
      'backend/pkg/config/**',
      'backend/pkg/testkit/**',
      'backend/pkg/otel/**',
      '**/scripts/**',
      '**/bench/**',
      '*.js',
      '*.mjs',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  prettier,
);
