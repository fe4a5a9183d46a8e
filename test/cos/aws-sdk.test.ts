// An AWS SDK pointed at COS, as Tencent documents it ("Accessing COS with AWS S3 SDK"): its requests reach a COS
// virtual host (`<bucket>-<appid>.cos.<region>.myqcloud.com`) signed with SigV4, and are served on S3's wire (x-amz-*
// headers both ways, S3's copy source, S3's errors) under COS's rules. The client resolves every host to this
// machine, so it sends and signs the COS host as it would on the Internet.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Agent, get } from 'node:http';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import {
  type BucketLocationConstraint,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BUCKET, type CosEnv, openCos, REGION } from '../helpers/cos.ts';
import { s3Error } from '../helpers/s3.ts';
import { CREDS } from '../helpers/server.ts';

const toHere: LookupFunction = (_host, options, callback) =>
  options.all
    ? (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: '127.0.0.1', family: 4 },
      ])
    : callback(null, '127.0.0.1', 4);

let env: CosEnv;
let s3: S3Client;
let agent: Agent;
/** An SDK pointed at the COS endpoint, signing for `region`, addressing buckets by host or (`pathStyle`) by path. */
let sdk: (region: string, pathStyle?: boolean) => S3Client;
const MiB = 1024 * 1024;

before(async () => {
  env = await openCos();
  const port = env.hostPort.split(':')[1];
  agent = new Agent({ keepAlive: true, lookup: toHere });
  sdk = (region, pathStyle = false) =>
    new S3Client({
      endpoint: `http://cos.${REGION}.myqcloud.com:${port}`,
      region,
      forcePathStyle: pathStyle,
      credentials: { accessKeyId: CREDS.MIMEO_ROOT_ACCESS_KEY, secretAccessKey: CREDS.MIMEO_ROOT_SECRET_KEY },
      requestHandler: { httpAgent: agent },
    });
  s3 = sdk(REGION);
  await env.cos.putBucket({ Bucket: BUCKET, Region: REGION });
});
after(async () => {
  s3.destroy();
  await env.close();
});

test("an object's user metadata, type and checksum go in and come back under S3's headers", async () => {
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'meta.txt',
      Body: 'hello from an AWS SDK',
      ContentType: 'text/plain',
      Metadata: { owner: 'alice' },
      ChecksumAlgorithm: 'SHA256',
    }),
  );
  assert.match(put.$metadata.requestId ?? '', /^[0-9a-f]{16}$/);
  assert.ok(put.ChecksumSHA256, 'the checksum sent is answered');
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta.txt' }));
  assert.equal(await got.Body!.transformToString(), 'hello from an AWS SDK');
  assert.equal(got.ContentType, 'text/plain');
  assert.deepEqual(got.Metadata, { owner: 'alice' });
  // The same object through COS's own SDK: the metadata under COS's prefix.
  const head = await env.cos.headObject({ Bucket: BUCKET, Region: REGION, Key: 'meta.txt' });
  assert.equal(head.headers?.['x-cos-meta-owner'], 'alice');
});

test('a streamed body (aws-chunked, its checksum in a trailer) is stored whole', async () => {
  const bytes = randomBytes(300 * 1024);
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'streamed.bin',
      Body: Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]),
      ContentLength: bytes.length,
    }),
  );
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'streamed.bin' }));
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes));
});

test("CopyObject names its source in S3's form, and keeps the source's metadata", async () => {
  const r = await s3.send(
    new CopyObjectCommand({ Bucket: BUCKET, Key: 'meta-copy.txt', CopySource: `${BUCKET}/meta.txt` }),
  );
  assert.ok(r.CopyObjectResult?.ETag);
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta-copy.txt' }));
  assert.equal(await got.Body!.transformToString(), 'hello from an AWS SDK');
  assert.deepEqual(got.Metadata, { owner: 'alice' });
});

test("UploadPartCopy assembles an object under COS's rules: parts of 1 MB pass, where S3 asks 5 MiB", async () => {
  const bytes = randomBytes(MiB + 200_000);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'whole.bin', Body: bytes }));
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'assembled.bin' }),
  );
  const parts = [];
  for (const [n, range] of [
    [1, `bytes=0-${MiB - 1}`],
    [2, `bytes=${MiB}-${bytes.length - 1}`],
  ] as const) {
    const p = await s3.send(
      new UploadPartCopyCommand({
        Bucket: BUCKET,
        Key: 'assembled.bin',
        UploadId,
        PartNumber: n,
        CopySource: `${BUCKET}/whole.bin`,
        CopySourceRange: range,
      }),
    );
    parts.push({ PartNumber: n, ETag: p.CopyPartResult!.ETag! });
  }
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: BUCKET,
      Key: 'assembled.bin',
      UploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'assembled.bin' }));
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes));
});

test("a URL presigned by the SDK for the COS host reads the object, answered with S3's headers", async () => {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'meta.txt' }), {
    expiresIn: 300,
  });
  assert.match(
    url,
    /^http:\/\/examplebucket-1250000000\.cos\.ap-guangzhou\.myqcloud\.com:\d+\/meta\.txt\?.*X-Amz-Signature=/,
  );
  const r = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (ok, fail) =>
      get(url, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
      }).on('error', fail),
  );
  assert.equal(r.status, 200);
  assert.equal(r.body, 'hello from an AWS SDK');
  assert.equal(r.headers['x-amz-meta-owner'], 'alice');
  assert.equal(r.headers['x-cos-meta-owner'], undefined);
});

test("a missing key is the SDK's NoSuchKey, answered in S3's shape", async () => {
  const e = await s3Error(() => s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'no-such.txt' })));
  assert.deepEqual([e.status, e.code], [404, 'NoSuchKey']);
  assert.match(e.requestId ?? '', /^[0-9a-f]{16}$/);
});

test('version ids come back in x-amz-version-id on a versioned bucket', async () => {
  const bucket = 'versioned-1250000000';
  await env.cos.putBucket({ Bucket: bucket, Region: REGION });
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'v.txt', Body: 'one' }));
  const second = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'v.txt', Body: 'two' }));
  assert.ok(first.VersionId && second.VersionId && first.VersionId !== second.VersionId);
  const old = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: 'v.txt', VersionId: first.VersionId }),
  );
  assert.equal(await old.Body!.transformToString(), 'one');
  assert.equal(old.VersionId, first.VersionId);
});

test('a bucket with an upload in progress is not empty, as COS has it', async () => {
  const bucket = 'uploading-1250000000';
  await env.cos.putBucket({ Bucket: bucket, Region: REGION });
  await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'pending.bin' }));
  const e = await s3Error(() => s3.send(new DeleteBucketCommand({ Bucket: bucket })));
  assert.deepEqual([e.status, e.code], [409, 'BucketNotEmpty']);
});

test("the service host lists buckets; a bucket made through it is in the host's region, as its location says", async () => {
  const made = 'made-by-sdk-1250000000';
  await s3.send(
    new CreateBucketCommand({
      Bucket: made,
      CreateBucketConfiguration: { LocationConstraint: REGION as BucketLocationConstraint },
    }),
  );
  const listed = await s3.send(new ListBucketsCommand({}));
  assert.ok(
    listed.Buckets?.some((b) => b.Name === made && b.BucketRegion === REGION),
    JSON.stringify(listed.Buckets),
  );
  const location = await s3.send(new GetBucketLocationCommand({ Bucket: made }));
  assert.equal(location.LocationConstraint, REGION);
  const head = await s3.send(new HeadBucketCommand({ Bucket: made }));
  assert.equal(head.BucketRegion, REGION);
  // Path-style, as with forcePathStyle: the same answers from the service host.
  const byPath = sdk(REGION, true);
  const got = await byPath.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta.txt' }));
  assert.equal(await got.Body!.transformToString(), 'hello from an AWS SDK');
  assert.deepEqual(got.Metadata, { owner: 'alice' });
  byPath.destroy();
});

test("a signature for the server's own region is taken too; one for a third region is 400 naming the host's", async () => {
  const own = sdk('us-east-1');
  const got = await own.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta.txt' }));
  assert.equal(await got.Body!.transformToString(), 'hello from an AWS SDK');
  own.destroy();
  const third = sdk('eu-frankfurt');
  const e = await s3Error(() => third.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta.txt' })));
  assert.deepEqual([e.status, e.code], [400, 'AuthorizationHeaderMalformed']);
  assert.match(e.message, /expecting 'ap-guangzhou'/);
  third.destroy();
});

/** `send` with `headers` added to the request, as a client that mixes COS's headers in would send them. */
async function withHeaders<T>(
  headers: Record<string, string>,
  send: (c: S3Client) => Promise<T>,
): Promise<T> {
  const c = sdk(REGION);
  c.middlewareStack.add(
    (next) => async (args) => {
      Object.assign((args.request as { headers: Record<string, string> }).headers, headers);
      return next(args);
    },
    { step: 'build', name: 'cosHeaders' },
  );
  try {
    return await send(c);
  } finally {
    c.destroy();
  }
}

test("COS's copy source header on S3's wire is 400, and the object at the key is kept", async () => {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept.txt', Body: 'kept' }));
  const e = await s3Error(() =>
    withHeaders({ 'x-cos-copy-source': `${BUCKET}.cos.${REGION}.myqcloud.com/meta.txt` }, (c) =>
      c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept.txt', Body: '' })),
    ),
  );
  assert.deepEqual([e.status, e.code], [400, 'InvalidArgument']);
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kept.txt' }));
  assert.equal(await got.Body!.transformToString(), 'kept');
});

test('x-cos-forbid-overwrite: true keeps an object from being replaced, as COS has it', async () => {
  const e = await s3Error(() =>
    withHeaders({ 'x-cos-forbid-overwrite': 'true' }, (c) =>
      c.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept.txt', Body: 'replaced' })),
    ),
  );
  assert.deepEqual([e.status, e.code], [409, 'FileAlreadyExists']);
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kept.txt' }));
  assert.equal(await got.Body!.transformToString(), 'kept');
});

test("with the server in another region, an SDK set up for the server's region creates and lists buckets on a COS host", async () => {
  const other = await openCos(['--region', 'eu-west-1']);
  const port = other.hostPort.split(':')[1];
  const c = new S3Client({
    endpoint: `http://cos.${REGION}.myqcloud.com:${port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: CREDS.MIMEO_ROOT_ACCESS_KEY, secretAccessKey: CREDS.MIMEO_ROOT_SECRET_KEY },
    requestHandler: { httpAgent: agent },
  });
  try {
    // The SDK names its own region as the location constraint.
    await c.send(new CreateBucketCommand({ Bucket: 'server-region-1250000000' }));
    const listed = await c.send(new ListBucketsCommand({ BucketRegion: 'eu-west-1' }));
    assert.deepEqual(
      listed.Buckets?.map((b) => b.Name),
      ['server-region-1250000000'],
    );
    const e = await s3Error(() =>
      c.send(
        new CreateBucketCommand({
          Bucket: 'elsewhere-1250000000',
          CreateBucketConfiguration: { LocationConstraint: 'sa-east-1' },
        }),
      ),
    );
    assert.deepEqual([e.status, e.code], [400, 'IllegalLocationConstraintException']);
  } finally {
    c.destroy();
    await other.close();
  }
});
