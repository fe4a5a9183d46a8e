// COS hosts and copy sources: what names a bucket, and what is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosAddress, cosHostBucket } from './address.ts';
import { cosCopySource } from './copy-source.ts';

test('COS virtual hosts name their bucket; a port is ignored; other hosts are not COS', () => {
  const b = 'examplebucket-1250000000';
  assert.equal(cosHostBucket(`${b}.cos.ap-guangzhou.myqcloud.com`, []), b);
  assert.equal(cosHostBucket(`${b}.cos.ap-guangzhou.myqcloud.com:9000`, []), b);
  assert.equal(cosHostBucket(`${b}.cos.ap-shanghai.tencentcos.cn`, []), b);
  assert.equal(cosHostBucket(`${b.toUpperCase()}.COS.AP-GUANGZHOU.MYQCLOUD.COM`, []), b);
  assert.equal(cosHostBucket(`${b}.cos.ap-guangzhou.localhost:1234`, ['cos.ap-guangzhou.localhost']), b);
  for (const h of [
    undefined,
    '127.0.0.1:9000',
    'service.cos.myqcloud.com',
    `a.${b}.cos.ap-guangzhou.myqcloud.com`,
    `${b}.s3.amazonaws.com`,
    `${b}.cos.ap-guangzhou.localhost`,
    'cos.ap-guangzhou.localhost',
  ])
    assert.equal(cosHostBucket(h, []), undefined, String(h));
  assert.equal(cosHostBucket(`x.y.cos.ap-guangzhou.localhost`, ['cos.ap-guangzhou.localhost']), undefined);
});

test('the key is the decoded path; the root is the bucket', () => {
  const host = 'bkt-1.cos.ap-guangzhou.myqcloud.com';
  assert.deepEqual(cosAddress(host, '/dir/a%20b%281%29.txt', []), {
    bucket: 'bkt-1',
    key: 'dir/a b(1).txt',
    virtualHosted: true,
  });
  assert.deepEqual(cosAddress(host, '/', []), { bucket: 'bkt-1', key: undefined, virtualHosted: true });
  assert.equal(cosAddress('localhost', '/bkt-1/k', []), undefined);
});

test("copy sources in COS's host form become S3's bucket/key, version id kept", () => {
  const host = 'src-1250000000.cos.ap-guangzhou.myqcloud.com';
  assert.equal(cosCopySource(`${host}/a/b.txt`), 'src-1250000000/a/b.txt');
  assert.equal(cosCopySource(`${host}/a%20b?versionId=v1`), 'src-1250000000/a%20b?versionId=v1');
  assert.equal(cosCopySource(`/${host}/k`), 'src-1250000000/k');
  assert.equal(cosCopySource(`https://${host}/k`), 'src-1250000000/k');
  assert.equal(cosCopySource('src-1.cos-internal.ap-guangzhou.tencentcos.cn/k'), 'src-1/k');
  for (const bad of ['src-1/k', `${host}/`, host, '', 'http://', '/k'])
    assert.throws(() => cosCopySource(bad), { name: 'S3Error', code: 'InvalidArgument' }, bad);
});
