// A client of the server a command names (see src/config/client-connection.ts for how it is chosen).
import { readRootCredentials } from '../auth/root-credentials.ts';
import { type ConnectionFlags, clientConfigFor } from '../config/client-connection.ts';
import { ApiClient } from './client.ts';

export type { ConnectionFlags };

/**
 * A client for `server` (undefined: the default), one per server name in a command. A local server with no key
 * given signs in as root with the credentials its data directory holds.
 */
export function connect(server: string | undefined, flags: ConnectionFlags): ApiClient {
  const config = clientConfigFor(server, flags);
  if (config.dataDir && !config.token && !(config.accessKey && config.secretKey)) {
    const root = readRootCredentials(config.dataDir);
    if (root) Object.assign(config, { accessKey: root.accessKey, secretKey: root.secretKey });
  }
  return new ApiClient(config);
}
