// x-cos-copy-source (COS "PUT Object - Copy", "Upload Part - Copy"): `<bucket>-<appid>.cos.<region>.myqcloud.com/<key>`
// with an optional `?versionId=`, as cos-nodejs-sdk-v5 writes it; we also take a leading `/` or `http(s)://` and
// any `<bucket>.cos[-variant].<region>.<domain>` host (tencentcos.cn, a local domain). S3's parser reads the result.
import { S3Error } from '../errors.ts';

const SOURCE = /^([^./]+)\.cos(?:v6|-cdc|-internal)?\.[^./]+\.[^/]+\/(.+)$/;

/** The source in S3's form, `bucket/key[?versionId=]` (the key left encoded as sent); 400 InvalidArgument else. */
export function cosCopySource(value: string): string {
  const v = value
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/^\//, '');
  const m = SOURCE.exec(v);
  if (!m)
    throw new S3Error(
      'InvalidArgument',
      400,
      'x-cos-copy-source must be <bucket>-<appid>.cos.<region>.myqcloud.com/<key>, optionally with ?versionId=<id>.',
    );
  return `${m[1]!.toLowerCase()}/${m[2]}`;
}
