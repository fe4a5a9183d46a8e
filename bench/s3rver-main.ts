// Starts s3rver (the peer in the S3 benchmark) on an ephemeral port and prints its address.
import S3rver from 's3rver';

const directory = process.argv[2] ?? '.bench/s3rver';
const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true, resetOnClose: true });
const { port } = (await server.run()) as unknown as { port: number };
process.stdout.write(`s3rver listening on http://127.0.0.1:${port}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
