// npm run bench [-- core | tree | s3 | load | qumulo | sas]: runs the benchmarks and prints a table of figures and ratios.
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchCore } from './core.ts';
import { benchLoad } from './load.ts';
import { benchQumulo } from './qumulo.ts';
import { benchS3 } from './s3.ts';
import { benchSas } from './sas.ts';
import { benchTree } from './tree.ts';

const which = process.argv[2] ?? 'core';
/** Copies of each size in the Qumulo copy-chunk benchmark; 0 skips it. */
const qumuloCopies = Number(process.env['BENCH_QUMULO_COPIES'] ?? 10);
const work = join(import.meta.dirname, '..', '.bench');
process.stdout.write(
  `mimeo bench: ${which}; node ${process.version}; ${cpus().length} cores; ${(totalmem() / 1024 ** 3).toFixed(0)} GiB; load ${loadavg()[0]!.toFixed(1)}\n\n`,
);
if (which === 'core') {
  await benchCore(join(work, 'core'), {
    copies: Number(process.env['BENCH_COPIES'] ?? 20),
    treeFiles: Number(process.env['BENCH_TREE_FILES'] ?? 10_000),
  });
  process.stdout.write('\n');
  await benchTree(join(work, 'tree'), { files: Number(process.env['BENCH_TREE_100K'] ?? 100_000) });
  process.stdout.write('\n');
  await benchQumulo(join(work, 'qumulo'), { copies: qumuloCopies });
} else if (which === 'tree') {
  await benchTree(join(work, 'tree'), { files: Number(process.env['BENCH_TREE_100K'] ?? 100_000) });
} else if (which === 's3') {
  await benchS3(join(work, 's3'), {
    small: Number(process.env['BENCH_SMALL_OPS'] ?? 20_000),
    concurrency: Number(process.env['BENCH_CONCURRENCY'] ?? 32),
    large: Number(process.env['BENCH_LARGE_BYTES'] ?? 1024 ** 3),
    runs: Math.max(1, Number(process.env['BENCH_RUNS'] ?? 1)),
    only: process.env['BENCH_ONLY'] ? new Set(process.env['BENCH_ONLY'].split(',')) : undefined,
  });
} else if (which === 'load') {
  await benchLoad(join(work, 'load'), {
    transfers: Number(process.env['BENCH_LOAD_TRANSFERS'] ?? 40),
    bytes: Number(process.env['BENCH_LOAD_MIB'] ?? 96) * 1024 ** 2,
  });
} else if (which === 'qumulo') {
  await benchQumulo(join(work, 'qumulo'), { copies: qumuloCopies });
} else if (which === 'sas') {
  await benchSas(join(work, 'sas'), {
    copies: Number(process.env['BENCH_SAS_COPIES'] ?? 10),
    treeFiles: Number(process.env['BENCH_SAS_TREE_FILES'] ?? 1000),
  });
} else {
  process.stderr.write(`unknown benchmark '${which}' (known: core, tree, s3, load, qumulo, sas)\n`);
  process.exitCode = 2;
}
