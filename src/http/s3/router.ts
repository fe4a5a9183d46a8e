// Picks the command for a request from its method, addressing and sub-resources. Unknown sub-resources are 501.

import { COMMANDS } from './commands/index.ts';
import type { S3Context } from './context.ts';
import { S3Error } from './errors.ts';

/** Sub-resources S3 has that mimeo does not implement: refused with 501, never silently ignored. */
const UNSUPPORTED = [
  'accelerate',
  'analytics',
  'cors',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'torrent',
  'website',
  'attributes',
  'session',
];

export interface S3Command {
  name: string;
  matches(ctx: S3Context): boolean;
  handle(ctx: S3Context): Promise<unknown>;
}

export function route(ctx: S3Context): S3Command {
  for (const sub of UNSUPPORTED) {
    if (ctx.query.has(sub))
      throw new S3Error('NotImplemented', 501, `The '${sub}' sub-resource is not implemented.`);
  }
  const cmd = COMMANDS.find((c) => c.matches(ctx));
  if (
    !cmd &&
    ctx.method === 'POST' &&
    ctx.bucket !== undefined &&
    ctx.key === undefined &&
    ctx.query.size === 0
  )
    throw new S3Error('NotImplemented', 501, 'Uploads by HTML form (POST Object) are not implemented.');
  if (!cmd)
    throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
  return cmd;
}
