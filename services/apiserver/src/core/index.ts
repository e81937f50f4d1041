// The REST core of the API server (apiserver-contract.md): C2's HTTP and NATS fronts import
// only from here.

export type { ApiCore, ApiRequest, ApiResult, ApiVerb, PatchType, UserInfo, WatchEvent, WatchEventType } from './types.js';
export { createApiCore, type ApiCoreOptions } from './api-core.js';
export type { CoreLogger } from './context.js';
export type { AdmissionAttributes, AdmissionOperation, AdmissionPlugin } from './admission/admission.js';
export { DEFAULT_ADMISSION_PLUGINS } from './admission/plugins.js';
export { MemoryStorage } from './storage-memory.js';
export { storeClientStorage, type StoreClientStorageOptions } from './storage-store-client.js';
export { StorageCompactedError, StorageUnavailableError, type Storage, type StorageBatch, type StorageEvent, type StorageKV, type StorageWatch } from './storage.js';
export { signToken, verifyToken, type TokenCheck, type TokenClaims } from './subresources/token.js';
export { INITIAL_EVENTS_END } from './watch.js';
