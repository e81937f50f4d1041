export * from './types.js';
export * from './errors.js';
export { Wal, WAL_DEFAULTS, type WalOptions, type WalStats } from './wal.js';
export { MemoryWal, type MemoryWalOptions } from './memory-wal.js';
export { MemoryDisk, type MemoryDiskOptions, type CrashOptions } from './memory-disk.js';
export { nodeWalFs, type WalFs, type WalFile } from './wal-fs.js';
export { crc32 } from './crc32.js';
