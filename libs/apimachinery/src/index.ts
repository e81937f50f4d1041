// @skiff/apimachinery: Kubernetes API machinery as pure functions (no I/O, no clock): selectors,
// quantities, patches, server-side apply, Status errors, list paging tokens and name helpers.
export * from './json-value.js';
export * from './go-format.js';
export * from './field-error.js';
export * from './name-validation.js';
export * from './label-selector.js';
export * from './label-selector-parser.js';
export * from './field-selector.js';
export * from './quantity.js';
export * from './duration.js';
export * from './status.js';
export * from './patch-error.js';
export * from './patch-strategy.js';
export * from './json-merge-patch.js';
export * from './json-patch.js';
export * from './strategic-merge-patch.js';
export * from './field-path.js';
export * from './field-set.js';
export * from './typed-value.js';
export * from './managed-fields.js';
export * from './server-side-apply.js';
export * from './continue-token.js';
export * from './names.js';
