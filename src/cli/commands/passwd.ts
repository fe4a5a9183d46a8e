// mimeo user passwd: sets or clears a user's password through the admin API, reading it from a terminal or stdin.
import { ConfigError } from '../../config/config.ts';
import { args, type Flags, type Out, openSession } from '../admin-kit.ts';
import { seg } from '../client.ts';
import { readSecrets } from '../secret-input.ts';

const USAGE = 'user passwd NAME [--clear] [--current] [--password-stdin]';

function switchOn(flags: Flags, name: string): boolean {
  const v = flags[name];
  if (v !== undefined && v !== 'true')
    throw new ConfigError(`--${name} takes no value (usage: mimeo ${USAGE})`);
  return v === 'true';
}

/**
 * Runs `mimeo user passwd NAME`. The new password is typed twice at a terminal, or is the first line of standard
 * input (always with --password-stdin). --current first reads the current password (a user who is not an
 * administrator changing their own); --clear removes the password instead.
 */
export async function passwd(positional: string[], flags: Flags, out: Out): Promise<number> {
  const { api, show } = openSession(flags, out);
  const [user] = args(positional, 1, USAGE);
  const clear = switchOn(flags, 'clear');
  const current = switchOn(flags, 'current');
  const fromStdin = switchOn(flags, 'password-stdin') || !process.stdin.isTTY;
  const asks = clear ? [] : fromStdin ? ['New password: '] : ['New password: ', 'Again: '];
  const secrets = await readSecrets([...(current ? ['Current password: '] : []), ...asks], { fromStdin });
  const currentPassword = current ? secrets.shift() : undefined;
  if (secrets.length === 2 && secrets[0] !== secrets[1]) throw new ConfigError('the two passwords differ');
  await api.call('PUT', `/api/v1/admin/users/${seg(user!)}/password`, {
    password: clear ? null : secrets[0],
    ...(currentPassword === undefined ? {} : { currentPassword }),
  });
  show({ user, password: clear ? 'cleared' : 'set' }, () =>
    clear ? `${user} has no password now` : `the password of ${user} is set`,
  );
  return 0;
}
