// Touches the machine's free memory once before a benchmark. On a virtual machine, the first write to each page of
// the guest's memory is served by the hypervisor (here about 4 ms per MiB of the writer's CPU, inside the kernel's
// copy into the page cache). A server whose page cache grows into memory no process has touched yet (mimeo keeps the
// old blocks of an overwritten object until GC) pays that on every upload, while one that replaces a file in place
// (s3rver) reuses the pages it just freed: the figures would compare the machine's first touch, not the servers.
// This machine takes freed memory back (virtio-balloon free page reporting), so the warmth lasts minutes, not the
// day: the benchmark warms before each run (about 75 s for 20 GiB here). The child gives its memory back as it exits.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const GiB = 1024 ** 3;

/** Writes every GiB of available memory but `spare` once, in a child process. Returns the GiB touched and the time. */
export function warmMemory(spare = 2 * GiB): { gib: number; seconds: number } {
  const available = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  const gib = available ? Math.floor((Number(available[1]) * 1024 - spare) / GiB) : 0;
  if (gib <= 0) return { gib: 0, seconds: 0 };
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    ['-e', `const a = []; for (let i = 0; i < ${gib}; i++) a.push(Buffer.alloc(${GiB}, 1));`],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`warming memory failed: ${r.status ?? r.signal}`);
  return { gib, seconds: (performance.now() - t) / 1000 };
}
