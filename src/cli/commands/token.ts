// mimeo token …: a user's personal tokens through the admin API (created, listed, revoked).
import { ConfigError } from '../../config/config.ts';
import { args, type Flags, fields, type Out, openSession, table } from '../admin-kit.ts';
import { seg } from '../client.ts';

interface PersonalToken {
  id: string;
  user: string;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

function seconds(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1)
    throw new ConfigError(`--expires-in is a number of seconds, got ${raw}`);
  return n;
}

/** Runs `mimeo token list|create|revoke`; returns the exit code. */
export async function token(positional: string[], flags: Flags, out: Out): Promise<number> {
  const { api, show } = openSession(flags, out);
  const [verb, ...rest] = positional;
  switch (verb) {
    case 'list': {
      const [user] = args(rest, 1, 'token list USER');
      const r = await api.call<{ tokens: PersonalToken[] }>(
        'GET',
        `/api/v1/admin/users/${seg(user!)}/tokens`,
      );
      show(r.tokens, () => table(r.tokens, ['id', 'name', 'createdAt', 'lastUsedAt', 'expiresAt']));
      return 0;
    }
    case 'create': {
      const [user] = args(rest, 1, 'token create USER [--name TEXT] [--expires-in SECONDS]');
      const r = await api.call<PersonalToken & { token: string }>(
        'POST',
        `/api/v1/admin/users/${seg(user!)}/tokens`,
        { name: flags['name'], expiresInSeconds: seconds(flags['expires-in']) },
      );
      show(r, () => `${fields(r)}\n(the token is shown only now)`);
      return 0;
    }
    case 'revoke': {
      const [id] = args(rest, 1, 'token revoke ID');
      await api.call('DELETE', `/api/v1/admin/tokens/${seg(id!)}`);
      show({ revoked: id }, () => `revoked token ${id}`);
      return 0;
    }
  }
  throw new ConfigError(`unknown command: mimeo token ${verb ?? ''} (list, create or revoke)`);
}
