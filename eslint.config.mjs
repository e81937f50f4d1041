// Lint: typescript-eslint for the code, and Nx's module-boundary rule so that the dependency
// arrows of docs/architecture.md stay true (a library never imports a service; pure code
// imports only pure code).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.nx/**', 'bench/results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'] },
            { sourceTag: 'type:machine', onlyDependOnLibsWithTags: ['type:core', 'type:machine'] },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:core', 'type:machine', 'type:adapter'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:core', 'type:machine', 'type:adapter', 'type:testing'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:core', 'type:machine', 'type:adapter', 'type:service'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:core', 'type:machine', 'type:adapter', 'type:testing', 'type:service'] },
          ],
        },
      ],
    },
  },
  {
    // Tests may use the testing library whatever the layer of the code under test.
    files: ['**/test/**/*.ts', '**/*.test.ts', '**/bench/**/*.ts', '**/sim/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { allow: [], depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }] },
      ],
    },
  },
];
