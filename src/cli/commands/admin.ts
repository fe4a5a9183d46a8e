// mimeo user …, mimeo key … and mimeo kms …: users, access keys, memberships and KMS keys through the admin API.
import { ConfigError } from '../../config/config.ts';
import { args, type Flags, fields, type Out, openSession, table } from '../admin-kit.ts';
import { seg } from '../client.ts';
import { passwd } from './passwd.ts';

export const ADMIN_USAGE = `  user list
  user create NAME [--display-name TEXT] [--admin]
  user show NAME
  user update NAME [--display-name TEXT] [--admin true|false]
  user delete NAME
  user grant NAME PROJECT read|copy|write|admin
  user revoke NAME PROJECT
  user passwd NAME [--clear] [--current] [--password-stdin]
  token list USER
  token create USER [--name TEXT] [--expires-in SECONDS]
  token revoke ID
  client list
  client create ID [--user NAME] [--grants password,refresh_token,client_credentials]
  client delete ID
  key list [USER]
  key create USER
  key disable KEY | key enable KEY
  key delete KEY
  kms list | kms create NAME | kms disable NAME | kms enable NAME
  kms rotate             (against the stores: a new master KEK, every data key re-wrapped; no data is read)
  (client flags: --url, --access-key, --secret-key, --ca FILE, --json; or MIMEO_URL, MIMEO_ACCESS_KEY,
   MIMEO_SECRET_KEY, MIMEO_CA_FILE; without a key, root's: --root-access-key and --root-secret-key, MIMEO_ROOT_*,
   the --config file, or the root-credentials.json in --data)`;

interface User {
  id: string;
  name: string;
  displayName: string;
  canonicalId: string;
  admin: boolean;
  createdAt: string;
}
interface Key {
  accessKey: string;
  user: string;
  enabled: boolean;
  createdAt: string;
}

function bool(raw: string | undefined, flag: string): boolean | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`--${flag} is true or false, got ${raw}`);
}

/** Runs `mimeo user …` or `mimeo key …`; returns the exit code. */
export async function admin(
  noun: 'user' | 'key' | 'kms',
  positional: string[],
  flags: Flags,
  out: Out,
): Promise<number> {
  const [verb, ...rest] = positional;
  if (noun === 'user' && verb === 'passwd') return passwd(rest, flags, out);
  const { api, show } = openSession(flags, out);

  if (noun === 'user') {
    switch (verb) {
      case 'list': {
        args(rest, 0, 'user list');
        const r = await api.call<{ users: User[] }>('GET', '/api/v1/admin/users');
        show(r.users, () => table(r.users, ['name', 'displayName', 'admin', 'id', 'createdAt']));
        return 0;
      }
      case 'create': {
        const [name] = args(rest, 1, 'user create NAME [--display-name TEXT] [--admin]');
        const r = await api.call<User & { secretKey: string }>('POST', '/api/v1/admin/users', {
          name,
          displayName: flags['display-name'],
          admin: bool(flags['admin'], 'admin'),
        });
        show(r, () => `${fields(r)}\n(the secret key is shown only now)`);
        return 0;
      }
      case 'show': {
        const [name] = args(rest, 1, 'user show NAME');
        const r = await api.call<Record<string, unknown>>('GET', `/api/v1/admin/users/${seg(name!)}`);
        show(r, () => fields(r));
        return 0;
      }
      case 'update': {
        const [name] = args(rest, 1, 'user update NAME [--display-name TEXT] [--admin true|false]');
        const body = { displayName: flags['display-name'], admin: bool(flags['admin'], 'admin') };
        if (body.displayName === undefined && body.admin === undefined)
          throw new ConfigError('user update needs --display-name or --admin');
        const r = await api.call<User>('PATCH', `/api/v1/admin/users/${seg(name!)}`, body);
        show(r, () => fields(r));
        return 0;
      }
      case 'delete': {
        const [name] = args(rest, 1, 'user delete NAME');
        await api.call('DELETE', `/api/v1/admin/users/${seg(name!)}`);
        show({ deleted: name }, () => `deleted user ${name}`);
        return 0;
      }
      case 'grant':
      case 'revoke': {
        const [name, project, role] =
          verb === 'grant'
            ? args(rest, 3, 'user grant NAME PROJECT read|copy|write|admin')
            : [...args(rest, 2, 'user revoke NAME PROJECT'), null];
        await api.call('PUT', `/api/v1/projects/${seg(project!)}/members/${seg(name!)}`, { role });
        show({ user: name, project, role }, () =>
          role ? `${name} has the ${role} role on ${project}` : `${name} has no role on ${project}`,
        );
        return 0;
      }
    }
  } else if (noun === 'kms') {
    switch (verb) {
      case 'list': {
        args(rest, 0, 'kms list');
        const r = await api.call<{ keys: object[] }>('GET', '/api/v1/admin/kms/keys');
        show(r.keys, () => table(r.keys, ['name', 'enabled', 'createdAt']));
        return 0;
      }
      case 'create': {
        const [name] = args(rest, 1, 'kms create NAME');
        const r = await api.call<object>('POST', '/api/v1/admin/kms/keys', { name });
        show(r, () => fields(r));
        return 0;
      }
      case 'disable':
      case 'enable': {
        const [name] = args(rest, 1, `kms ${verb} NAME`);
        const path = `/api/v1/admin/kms/keys/${name!.split('/').map(seg).join('/')}`;
        const r = await api.call<object>('PATCH', path, { enabled: verb === 'enable' });
        show(r, () => fields(r));
        return 0;
      }
    }
  } else {
    switch (verb) {
      case 'list': {
        if (rest.length > 1) throw new ConfigError('usage: mimeo key list [USER]');
        const path = rest[0] ? `/api/v1/admin/users/${seg(rest[0])}/keys` : '/api/v1/admin/keys';
        const r = await api.call<{ keys: Key[] }>('GET', path);
        show(r.keys, () => table(r.keys, ['accessKey', 'user', 'enabled', 'createdAt']));
        return 0;
      }
      case 'create': {
        const [user] = args(rest, 1, 'key create USER');
        const r = await api.call<Key & { secretKey: string }>(
          'POST',
          `/api/v1/admin/users/${seg(user!)}/keys`,
        );
        show(r, () => `${fields(r)}\n(the secret key is shown only now)`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        const [key] = args(rest, 1, `key ${verb} KEY`);
        const r = await api.call<Key>('PATCH', `/api/v1/admin/keys/${seg(key!)}`, {
          enabled: verb === 'enable',
        });
        show(r, () => fields(r));
        return 0;
      }
      case 'delete': {
        const [key] = args(rest, 1, 'key delete KEY');
        await api.call('DELETE', `/api/v1/admin/keys/${seg(key!)}`);
        show({ deleted: key }, () => `deleted key ${key}`);
        return 0;
      }
    }
  }
  throw new ConfigError(`unknown command: mimeo ${noun} ${verb ?? ''}\n${ADMIN_USAGE}`);
}
