import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BUCKET, type CosEnv, openCos, REGION } from '../helpers/cos.ts';

let env: CosEnv;
before(async () => {
  env = await openCos();
});
after(async () => env.close());

test('smoke', async () => {
  const b = await env.cos.putBucket({ Bucket: BUCKET, Region: REGION });
  console.log(b);
  const p = await env.cos.putObject({ Bucket: BUCKET, Region: REGION, Key: 'dir/a b(1).txt', Body: 'hello' });
  console.log(p);
  const g = await env.cos.getObject({ Bucket: BUCKET, Region: REGION, Key: 'dir/a b(1).txt' });
  console.log(g);
  assert.equal(String(g.Body), 'hello');
});
