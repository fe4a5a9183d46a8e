// ListBuckets: GET / — the buckets the caller has any role on, by name, paged by max-buckets and
// continuation-token, filtered by prefix and bucket-region (S3 API Reference, ListBuckets).
import { ownerOf } from '../../../auth/principals.ts';
import { listProjects } from '../../../core/projects.ts';
import type { S3Command } from '../command.ts';
import { isoDate, type S3Context, sendXml } from '../context.ts';
import { S3Error } from '../errors.ts';
import { queryInt } from './common.ts';

/** S3's page size when none is given, and the most max-buckets may ask. */
const MAX_BUCKETS = 10_000;

export const listBuckets: S3Command = {
  name: 'ListBuckets',
  async handle(ctx: S3Context) {
    const max = queryInt(ctx, 'max-buckets', { fallback: MAX_BUCKETS, min: 1, max: MAX_BUCKETS });
    const token = ctx.query.get('continuation-token');
    const prefix = ctx.query.get('prefix');
    const region = ctx.query.get('bucket-region');
    const page =
      region !== undefined && region !== ctx.deps.region && region !== ctx.deps.alsoRegion
        ? { projects: [], truncated: false }
        : await listProjects(ctx.deps.core, ctx.principal, {
            prefix,
            after: token === undefined ? undefined : decodeToken(token),
            limit: max,
          });
    const last = page.projects.at(-1);
    return sendXml(ctx, 200, 'ListAllMyBucketsResult', {
      Owner: await ownerOf(ctx.deps, ctx.principal.id),
      Buckets: {
        Bucket: page.projects.map((p) => ({
          Name: p.name,
          CreationDate: isoDate(p.createdAt),
          BucketRegion: ctx.deps.region,
        })),
      },
      ContinuationToken: page.truncated && last ? encodeToken(last.name) : undefined,
      Prefix: prefix,
    });
  },
};

/** The token is the last name shown, opaque to the client; one that is not ours is 400. */
const encodeToken = (name: string) => Buffer.from(name, 'utf8').toString('base64url');
function decodeToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (token === '' || encodeToken(name) !== token)
    throw new S3Error('InvalidArgument', 400, 'The continuation token provided is incorrect.');
  return name;
}
