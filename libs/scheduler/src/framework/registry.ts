// Plugin registry (runtime.Registry): names to factories. A factory receives the plugin's args
// from the profile and returns a plugin implementing any of the extension points.
import type { AnyPlugin } from './interfaces.js';

export type PluginFactory = (args: unknown) => AnyPlugin;
export type Registry = ReadonlyMap<string, PluginFactory>;

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}
