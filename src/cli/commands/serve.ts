// mimeo serve: open the stores, listen on the API port, run jobs, GC and scheduled scrubs, and shut down gracefully on SIGTERM.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { buildApiServer, buildS3Server } from '../../app.ts';
import { rootPrincipal } from '../../auth/principals.ts';
import { loadRootCredentials } from '../../auth/root-credentials.ts';
import { SecretBox } from '../../auth/secret-box.ts';
import { type Config, ConfigError } from '../../config/config.ts';
import { collectGarbage } from '../../core/gc.ts';
import '../../core/job-kinds.ts';
import { getJob, JobRunner } from '../../core/jobs.ts';
import { type ScrubProgress, scheduleScrub } from '../../core/scrub.ts';
import { developmentCertificate } from '../../http/common/self-signed.ts';
import { closeCore, openCore } from '../../runtime.ts';

/** The certificate and key both listeners use, checked before anything starts; undefined for plain HTTP. */
function tlsMaterial(config: Config): { cert: string; key: string; certPath: string } | undefined {
  if (config.tls === undefined) return undefined;
  if (config.tls === 'self-signed') {
    const wild = ['0.0.0.0', '::', ''];
    const names = new Set(['localhost', '127.0.0.1', '::1']);
    if (!wild.includes(config.host)) names.add(config.host);
    for (const d of [...config.domains, ...config.cosDomains]) names.add(d).add(`*.${d}`);
    return developmentCertificate(config.dataDir, [...names]);
  }
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read the TLS ${what} ${path}: ${(err as Error).message}`);
    }
  };
  const cert = read(config.tls.cert, 'certificate');
  const key = read(config.tls.key, 'key');
  try {
    if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key)))
      throw new Error('the key does not belong to the certificate');
  } catch (err) {
    throw new ConfigError(`unusable TLS certificate or key: ${(err as Error).message}`);
  }
  return { cert, key, certPath: config.tls.cert };
}

export async function serve(config: Config): Promise<void> {
  const tls = tlsMaterial(config);
  const logger = pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', '*.secret', '*.secretKey', '*.password', '*.currentPassword'],
  });
  const { credentials, generated } = loadRootCredentials({
    dataDir: config.dataDir,
    accessKey: config.rootAccessKey,
    secretKey: config.rootSecretKey,
  });
  const core = await openCore(config);
  const jobs = new JobRunner(core);
  const box = new SecretBox(core.masterKey);
  const api = await buildApiServer(
    { core, root: credentials, box, minPartSize: config.minPartSize },
    {
      logger,
      headerTimeoutMs: config.headerTimeoutSeconds * 1000,
      idleTimeoutMs: config.idleTimeoutSeconds * 1000,
      tls,
      trustProxy: config.trustProxy,
    },
  );
  const s3 = await buildS3Server(
    {
      core,
      root: credentials,
      box,
      domains: config.domains,
      cosDomains: config.cosDomains,
      region: config.region,
      minPartSize: config.minPartSize,
    },
    {
      logger,
      headerTimeoutMs: config.headerTimeoutSeconds * 1000,
      idleTimeoutMs: config.idleTimeoutSeconds * 1000,
      tls,
      trustProxy: config.trustProxy,
    },
  );
  await api.listen({ host: config.host, port: config.apiPort });
  await s3.listen({ host: config.host, port: config.s3Port });
  jobs.start();

  let gcTimer: NodeJS.Timeout | undefined;
  let gcRunning: Promise<unknown> = Promise.resolve();
  if (config.gcIntervalSeconds > 0) {
    gcTimer = setInterval(() => {
      gcRunning = collectGarbage(core)
        .then((report) => logger.info({ gc: report }, 'gc pass'))
        .catch((err: unknown) => logger.error({ err }, 'gc pass failed'));
    }, config.gcIntervalSeconds * 1000);
    gcTimer.unref();
  }

  // The schedule lives in the jobs table (see scheduleScrub): this node only looks, at most once a minute, whether a
  // pass is due; the job runner of whichever node claims it does the work.
  let scrubTimer: NodeJS.Timeout | undefined;
  let scrubStarted: string | undefined;
  if (config.scrubIntervalSeconds > 0) {
    const due = async () => {
      // The outcome of the pass this node started, once it ended (on any node): bit rot is an operator's alarm.
      const last = scrubStarted ? await getJob(core, rootPrincipal(), scrubStarted) : undefined;
      if (last && !['queued', 'running', 'aborting'].includes(last.state)) {
        scrubStarted = undefined;
        const { cursor: _, bad, ...summary } = last.progress as unknown as ScrubProgress;
        if (summary.badBlocks > 0)
          logger.error({ job: last.id, ...summary, bad }, 'scrub pass found bad blocks');
        else logger.info({ job: last.id, state: last.state, ...summary }, 'scrub pass ended');
      }
      const job = await scheduleScrub(core, rootPrincipal(), config.scrubIntervalSeconds);
      if (job) {
        scrubStarted = job.id;
        logger.info({ job: job.id }, 'scrub pass started');
      }
    };
    const tick = () => void due().catch((err: unknown) => logger.error({ err }, 'scrub schedule failed'));
    tick();
    scrubTimer = setInterval(tick, Math.min(config.scrubIntervalSeconds, 60) * 1000);
    scrubTimer.unref();
  }

  const portOf = (server: typeof api.server, fallback: number) => {
    const a = server.address();
    return typeof a === 'object' && a ? a.port : fallback;
  };
  const port = portOf(api.server, config.apiPort);
  const scheme = tls ? 'https' : 'http';
  const s3Port = portOf(s3.server, config.s3Port);
  logger.info(
    { api: `${scheme}://${config.host}:${port}`, meta: core.meta.kind, dataDir: config.dataDir },
    'mimeo listening',
  );
  // The one line a script waits for; it carries the port actually bound.
  if (tls) process.stdout.write(`mimeo tls certificate ${tls.certPath}\n`);
  process.stdout.write(`mimeo s3 listening on ${scheme}://${config.host}:${s3Port}\n`);
  process.stdout.write(`mimeo api listening on ${scheme}://${config.host}:${port}\n`);
  if (generated) {
    process.stdout.write(
      `Generated root credentials (stored in ${config.dataDir}, shown once):\n  access key: ${credentials.accessKey}\n  secret key: ${credentials.secretKey}\n`,
    );
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('shutdown grace period over: exiting');
      process.exit(1);
    }, config.shutdownGraceSeconds * 1000);
    force.unref();
    if (gcTimer) clearInterval(gcTimer);
    if (scrubTimer) clearInterval(scrubTimer);
    // In-flight requests finish; a keep-alive connection is closed as soon as it goes idle.
    const closeIdle = setInterval(() => {
      api.server.closeIdleConnections();
      s3.server.closeIdleConnections();
    }, 50);
    await Promise.all([api.close(), s3.close()]);
    clearInterval(closeIdle);
    await jobs.stop();
    await gcRunning;
    await closeCore(core);
    logger.info('stopped');
    clearTimeout(force);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
