// mimeo client …: the OAuth clients of SAS Logon's token endpoint through the admin API (registered, listed,
// deleted).
import { ConfigError } from '../../config/config.ts';
import { args, type Flags, fields, type Out, openSession, table } from '../admin-kit.ts';
import { seg } from '../client.ts';

interface OAuthClient {
  id: string;
  public: boolean;
  user: string | null;
  grants: string[];
  createdAt: string;
}

const CREATE_USAGE = 'client create ID [--user NAME] [--grants password,refresh_token,client_credentials]';

/** Runs `mimeo client list|create|delete`; returns the exit code. */
export async function client(positional: string[], flags: Flags, out: Out): Promise<number> {
  const { api, show } = openSession(flags, out);
  const [verb, ...rest] = positional;
  switch (verb) {
    case 'list': {
      args(rest, 0, 'client list');
      const r = await api.call<{ clients: OAuthClient[] }>('GET', '/api/v1/admin/clients');
      const rows = r.clients.map((c) => ({ ...c, grants: c.grants.join(',') }));
      show(r.clients, () => table(rows, ['id', 'public', 'user', 'grants', 'createdAt']));
      return 0;
    }
    case 'create': {
      const [id] = args(rest, 1, CREATE_USAGE);
      const grants = flags['grants']?.split(',').map((g) => g.trim());
      const r = await api.call<OAuthClient & { secret: string }>('POST', '/api/v1/admin/clients', {
        id,
        user: flags['user'],
        grants,
      });
      show(r, () => `${fields(r)}\n(the secret is shown only now)`);
      return 0;
    }
    case 'delete': {
      const [id] = args(rest, 1, 'client delete ID');
      await api.call('DELETE', `/api/v1/admin/clients/${seg(id!)}`);
      show({ deleted: id }, () => `deleted client ${id}`);
      return 0;
    }
  }
  throw new ConfigError(`unknown command: mimeo client ${verb ?? ''} (list, create or delete)`);
}
