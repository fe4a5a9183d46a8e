// The only reader of process.env: settings come from flags, then MIMEO_* variables, then a JSON config file.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Limits {
  /** Upload block size in bytes. */
  blockSize: number;
  /** A range copy handles at most this many source extents per request, then returns the remainder. */
  maxCopyExtents: number;
  /** A range copy moves at most this many bytes per request, then returns the remainder. */
  maxCopyBytes: number;
  /**
   * Files a tree copy job writes per transaction: a tree of at most this many, copied where no file is, is copied in
   * one; a larger one is staged in batches of this many. A tree delete takes at most 500 per transaction.
   */
  treeBatchSize: number;
  maxKeyBytes: number;
  /** The largest file or object, in bytes: writes past it, and offsets or lengths beyond it, are refused. */
  maxObjectSize: number;
}

/** Failed sign-ins allowed in a window, per name and per client address; 0 lifts that limit. */
export interface LoginLimits {
  windowSeconds: number;
  perName: number;
  perAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowSeconds: 60, perName: 5, perAddress: 20 };

export interface Config {
  dataDir: string;
  /** A sqlite path or a postgres:// URL. */
  meta: string;
  host: string;
  s3Port: number;
  apiPort: number;
  rootAccessKey: string | undefined;
  rootSecretKey: string | undefined;
  /** 32 bytes as hex or base64; unset: a key file in the data directory. */
  masterKey: string | undefined;
  logLevel: string;
  /** Domains for virtual-hosted S3 addressing. */
  domains: string[];
  /** Domains for Tencent COS virtual hosts besides COS's own: `<bucket>-<appid>.<domain>` is COS. */
  cosDomains: string[];
  region: string;
  minPartSize: number;
  tokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** How long a signed link (an SBG part upload or download URL) works, in seconds. */
  linkTtlSeconds: number;
  loginLimits: LoginLimits;
  /** Unreferenced blocks younger than this are never collected. */
  gcGraceSeconds: number;
  /** How often the background collector runs; 0 turns it off. */
  gcIntervalSeconds: number;
  /** How often a scrub pass (every block read back and checked) starts; 0, the default, turns it off. */
  scrubIntervalSeconds: number;
  jobLeaseSeconds: number;
  shutdownGraceSeconds: number;
  /** A client must send all request headers within this time (slow-loris protection). */
  headerTimeoutSeconds: number;
  /** A connection idle for this long is closed. */
  idleTimeoutSeconds: number;
  /** Blocks shorter than this many bytes are kept in the metadata store; 0 keeps every block in the block store. */
  smallBlockMax: number;
  /** Bytes held back in the data directory for deletes and GC on a full disk; 0 turns the reserve off. */
  diskReserve: number;
  /** Bytes of block buffers that large uploads and downloads may hold at once, all together. */
  bufferBudget: number;
  /** How long a large upload waits for room in the buffer budget before it is refused with SlowDown. */
  uploadWaitMs: number;
  /** How long a large download waits for room in the buffer budget before it is refused with SlowDown. */
  downloadWaitMs: number;
  /** TLS on both listeners: certificate and key files, or a development certificate made and kept in the data directory. */
  tls: { cert: string; key: string } | 'self-signed' | undefined;
  /**
   * Behind a proxy: take the client's address, scheme and host from X-Forwarded-For, -Proto and -Host (for the
   * sign-in limits per address and for absolute links). Off, those headers are ignored: a client could forge them.
   */
  trustProxy: boolean;
  limits: Limits;
}

export const DEFAULT_LIMITS: Limits = {
  blockSize: 4 * 1024 * 1024,
  maxCopyExtents: 10_000,
  maxCopyBytes: Number.MAX_SAFE_INTEGER,
  treeBatchSize: 100_000,
  maxKeyBytes: 1024,
  /** S3's limit: 5 TiB. */
  maxObjectSize: 5 * 1024 ** 4,
};

/** S3's smallest part but the last. */
export const DEFAULT_MIN_PART_SIZE = 5 * 1024 * 1024;

export const DEFAULT_DISK_RESERVE = 64 * 1024 * 1024;
/**
 * 128 MiB of block buffers: 31 large transfers at once with the default 4 MiB blocks, each using up to five buffers
 * when the budget has room. A small machine stays safe, and a single large transfer never waits.
 */
export const DEFAULT_BUFFER_BUDGET = 128 * 1024 * 1024;

type Source = Record<string, string | undefined>;

/** Every setting: its flag, its MIMEO_ variable and its key in the config file. */
const SETTINGS = {
  dataDir: { flag: 'data', env: 'MIMEO_DATA_DIR', kind: 'string' },
  meta: { flag: 'meta', env: 'MIMEO_META', kind: 'string' },
  host: { flag: 'host', env: 'MIMEO_HOST', kind: 'string' },
  s3Port: { flag: 's3-port', env: 'MIMEO_S3_PORT', kind: 'int' },
  apiPort: { flag: 'api-port', env: 'MIMEO_API_PORT', kind: 'int' },
  rootAccessKey: { flag: 'root-access-key', env: 'MIMEO_ROOT_ACCESS_KEY', kind: 'string' },
  rootSecretKey: { flag: 'root-secret-key', env: 'MIMEO_ROOT_SECRET_KEY', kind: 'string' },
  masterKey: { flag: 'master-key', env: 'MIMEO_MASTER_KEY', kind: 'string' },
  logLevel: { flag: 'log-level', env: 'MIMEO_LOG_LEVEL', kind: 'string' },
  domains: { flag: 'domain', env: 'MIMEO_DOMAIN', kind: 'string' },
  cosDomains: { flag: 'cos-domain', env: 'MIMEO_COS_DOMAIN', kind: 'string' },
  region: { flag: 'region', env: 'MIMEO_REGION', kind: 'string' },
  minPartSize: { flag: 'min-part-size', env: 'MIMEO_MIN_PART_SIZE', kind: 'int' },
  tokenTtlSeconds: { flag: 'token-ttl', env: 'MIMEO_TOKEN_TTL', kind: 'int' },
  refreshTokenTtlSeconds: { flag: 'refresh-token-ttl', env: 'MIMEO_REFRESH_TOKEN_TTL', kind: 'int' },
  linkTtlSeconds: { flag: 'link-ttl', env: 'MIMEO_LINK_TTL', kind: 'int' },
  loginWindowSeconds: { flag: 'login-window', env: 'MIMEO_LOGIN_WINDOW', kind: 'int' },
  loginFailuresPerName: {
    flag: 'login-failures-per-name',
    env: 'MIMEO_LOGIN_FAILURES_PER_NAME',
    kind: 'int',
  },
  loginFailuresPerAddress: {
    flag: 'login-failures-per-address',
    env: 'MIMEO_LOGIN_FAILURES_PER_ADDRESS',
    kind: 'int',
  },
  gcGraceSeconds: { flag: 'gc-grace', env: 'MIMEO_GC_GRACE', kind: 'int' },
  gcIntervalSeconds: { flag: 'gc-interval', env: 'MIMEO_GC_INTERVAL', kind: 'int' },
  scrubIntervalSeconds: { flag: 'scrub-interval', env: 'MIMEO_SCRUB_INTERVAL', kind: 'int' },
  jobLeaseSeconds: { flag: 'job-lease', env: 'MIMEO_JOB_LEASE', kind: 'int' },
  shutdownGraceSeconds: { flag: 'shutdown-grace', env: 'MIMEO_SHUTDOWN_GRACE', kind: 'int' },
  headerTimeoutSeconds: { flag: 'header-timeout', env: 'MIMEO_HEADER_TIMEOUT', kind: 'int' },
  idleTimeoutSeconds: { flag: 'idle-timeout', env: 'MIMEO_IDLE_TIMEOUT', kind: 'int' },
  smallBlockMax: { flag: 'small-block-max', env: 'MIMEO_SMALL_BLOCK_MAX', kind: 'int' },
  diskReserve: { flag: 'disk-reserve', env: 'MIMEO_DISK_RESERVE', kind: 'int' },
  bufferBudget: { flag: 'buffer-budget', env: 'MIMEO_BUFFER_BUDGET', kind: 'int' },
  uploadWaitMs: { flag: 'upload-wait-ms', env: 'MIMEO_UPLOAD_WAIT_MS', kind: 'int' },
  downloadWaitMs: { flag: 'download-wait-ms', env: 'MIMEO_DOWNLOAD_WAIT_MS', kind: 'int' },
  tls: { flag: 'tls', env: 'MIMEO_TLS', kind: 'string' },
  tlsCert: { flag: 'tls-cert', env: 'MIMEO_TLS_CERT', kind: 'string' },
  tlsKey: { flag: 'tls-key', env: 'MIMEO_TLS_KEY', kind: 'string' },
  blockSize: { flag: 'block-size', env: 'MIMEO_BLOCK_SIZE', kind: 'int' },
  maxCopyExtents: { flag: 'max-copy-extents', env: 'MIMEO_MAX_COPY_EXTENTS', kind: 'int' },
  maxCopyBytes: { flag: 'max-copy-bytes', env: 'MIMEO_MAX_COPY_BYTES', kind: 'int' },
  treeBatchSize: { flag: 'tree-batch-size', env: 'MIMEO_TREE_BATCH_SIZE', kind: 'int' },
  maxObjectSize: { flag: 'max-object-size', env: 'MIMEO_MAX_OBJECT_SIZE', kind: 'int' },
  trustProxy: { flag: 'trust-proxy', env: 'MIMEO_TRUST_PROXY', kind: 'bool' },
} as const;

type SettingName = keyof typeof SETTINGS;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseValue(name: SettingName, raw: string): string | number | boolean {
  const kind: string = SETTINGS[name].kind;
  if (kind === 'string') return raw;
  if (kind === 'bool') {
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    throw new ConfigError(`${name} must be true or false, got ${raw}`);
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ConfigError(`${name} must be a non-negative integer, got ${raw}`);
  return n;
}

/** The settings of the `--config` (or MIMEO_CONFIG) JSON file; none without one. ConfigError when it cannot be read. */
function configFile(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
}

/**
 * Builds the configuration. Precedence: flag, then environment variable, then the config file named by
 * `--config` or MIMEO_CONFIG, then the default. Throws ConfigError on an unknown flag or a bad value.
 */
export function loadConfig(options: { flags?: Source; env?: Source } = {}): Config {
  const flags = options.flags ?? {};
  const env = options.env ?? process.env;
  const known = new Set<string>(['config', ...Object.values(SETTINGS).map((s) => s.flag)]);
  for (const f of Object.keys(flags)) if (!known.has(f)) throw new ConfigError(`unknown flag --${f}`);

  const file = configFile(flags['config'] ?? env['MIMEO_CONFIG']);

  const values: Partial<Record<SettingName, string | number | boolean>> = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const s = SETTINGS[name];
    const raw = flags[s.flag] ?? env[s.env] ?? (file[name] === undefined ? undefined : String(file[name]));
    if (raw !== undefined && raw !== '') values[name] = parseValue(name, raw);
  }
  const str = (n: SettingName, d: string) => (values[n] as string | undefined) ?? d;
  const int = (n: SettingName, d: number) => (values[n] as number | undefined) ?? d;

  const dataDir = resolve(str('dataDir', './data'));
  const limits: Limits = {
    blockSize: int('blockSize', DEFAULT_LIMITS.blockSize),
    maxCopyExtents: int('maxCopyExtents', DEFAULT_LIMITS.maxCopyExtents),
    maxCopyBytes: int('maxCopyBytes', DEFAULT_LIMITS.maxCopyBytes),
    treeBatchSize: int('treeBatchSize', DEFAULT_LIMITS.treeBatchSize),
    maxKeyBytes: DEFAULT_LIMITS.maxKeyBytes,
    maxObjectSize: int('maxObjectSize', DEFAULT_LIMITS.maxObjectSize),
  };
  if (limits.blockSize < 1024 || limits.blockSize > 64 * 1024 * 1024) {
    throw new ConfigError('blockSize must be between 1 KiB and 64 MiB');
  }
  const smallBlockMax = int('smallBlockMax', 32 * 1024);
  if (smallBlockMax < 0 || smallBlockMax > 1024 * 1024) {
    throw new ConfigError('smallBlockMax must be between 0 and 1 MiB');
  }
  const bufferBudget = int('bufferBudget', DEFAULT_BUFFER_BUDGET);
  if (bufferBudget < 2 * limits.blockSize) {
    throw new ConfigError('bufferBudget must be at least twice blockSize');
  }
  const tlsMode = values.tls as string | undefined;
  const tlsCert = values.tlsCert as string | undefined;
  const tlsKey = values.tlsKey as string | undefined;
  if (tlsMode !== undefined && tlsMode !== 'self-signed')
    throw new ConfigError(
      `tls is 'self-signed' or unset (give --tls-cert and --tls-key for a real certificate), got ${tlsMode}`,
    );
  if ((tlsCert === undefined) !== (tlsKey === undefined))
    throw new ConfigError('give both --tls-cert and --tls-key, or neither');
  if (tlsMode && tlsCert) throw new ConfigError('--tls self-signed and --tls-cert exclude each other');
  const loginLimits: LoginLimits = {
    windowSeconds: int('loginWindowSeconds', DEFAULT_LOGIN_LIMITS.windowSeconds),
    perName: int('loginFailuresPerName', DEFAULT_LOGIN_LIMITS.perName),
    perAddress: int('loginFailuresPerAddress', DEFAULT_LOGIN_LIMITS.perAddress),
  };
  if (loginLimits.windowSeconds < 1) throw new ConfigError('loginWindow must be at least 1 second');
  if (int('gcGraceSeconds', 3600) < 1) throw new ConfigError('gcGrace must be at least 1 second');
  if (limits.maxObjectSize < 1) throw new ConfigError('maxObjectSize must be at least 1 byte');
  if (limits.maxCopyExtents < 1 || limits.maxCopyBytes < 1 || limits.treeBatchSize < 1) {
    throw new ConfigError('copy and batch bounds must be at least 1');
  }
  return {
    dataDir,
    meta: str('meta', join(dataDir, 'meta.sqlite')),
    host: str('host', '127.0.0.1'),
    s3Port: int('s3Port', 9000),
    apiPort: int('apiPort', 9001),
    rootAccessKey: values.rootAccessKey as string | undefined,
    rootSecretKey: values.rootSecretKey as string | undefined,
    masterKey: values.masterKey as string | undefined,
    logLevel: str('logLevel', 'info'),
    domains: str('domains', '')
      .split(',')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean),
    cosDomains: str('cosDomains', '')
      .split(',')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean),
    region: str('region', 'us-east-1'),
    minPartSize: int('minPartSize', DEFAULT_MIN_PART_SIZE),
    tokenTtlSeconds: int('tokenTtlSeconds', 3600),
    refreshTokenTtlSeconds: int('refreshTokenTtlSeconds', 30 * 24 * 3600),
    linkTtlSeconds: int('linkTtlSeconds', 3600),
    loginLimits,
    gcGraceSeconds: int('gcGraceSeconds', 3600),
    gcIntervalSeconds: int('gcIntervalSeconds', 600),
    scrubIntervalSeconds: int('scrubIntervalSeconds', 0),
    jobLeaseSeconds: int('jobLeaseSeconds', 15),
    shutdownGraceSeconds: int('shutdownGraceSeconds', 20),
    headerTimeoutSeconds: int('headerTimeoutSeconds', 20),
    idleTimeoutSeconds: int('idleTimeoutSeconds', 60),
    smallBlockMax,
    diskReserve: int('diskReserve', DEFAULT_DISK_RESERVE),
    bufferBudget,
    uploadWaitMs: int('uploadWaitMs', 2000),
    downloadWaitMs: int('downloadWaitMs', 20_000),
    trustProxy: (values.trustProxy as boolean | undefined) ?? false,
    tls:
      tlsCert && tlsKey
        ? { cert: resolve(tlsCert), key: resolve(tlsKey) }
        : tlsMode === 'self-signed'
          ? 'self-signed'
          : undefined,
    limits,
  };
}

/** Settings as documented in the README: flag, variable, default. */
export function describeSettings(): { flag: string; env: string }[] {
  return Object.values(SETTINGS).map((s) => ({ flag: `--${s.flag}`, env: s.env }));
}

/** What `mimeo user`, `mimeo key` and other client commands need: where the API is and how to sign in. */
export interface ClientConfig {
  url: string;
  accessKey: string | undefined;
  secretKey: string | undefined;
  /** A personal token, used when there is no access key. */
  token?: string | undefined;
  /** PEM certificates to trust besides the system's, for a server with its own certificate. */
  ca: string | undefined;
  /** The server's data directory, where root credentials may be read when no key is given. */
  dataDir: string;
}

const CLIENT_SETTINGS = {
  url: { flag: 'url', env: 'MIMEO_URL' },
  accessKey: { flag: 'access-key', env: 'MIMEO_ACCESS_KEY' },
  secretKey: { flag: 'secret-key', env: 'MIMEO_SECRET_KEY' },
  ca: { flag: 'ca', env: 'MIMEO_CA_FILE' },
} as const;

/**
 * The client's settings: flag, then environment. The URL defaults to the API port of a local server; without a
 * key, the root credentials are used. Host, port, data directory and root credentials are read as `serve` reads
 * them (flag, MIMEO_ variable, then the --config or MIMEO_CONFIG file), so a client run with what started the
 * server finds it and signs in as root, wherever root's credentials came from.
 */
export function loadClientConfig(options: { flags?: Source; env?: Source } = {}): ClientConfig {
  const flags = options.flags ?? {};
  const env = options.env ?? process.env;
  const get = (s: { flag: string; env: string }) => flags[s.flag] ?? env[s.env] ?? undefined;
  const file = configFile(flags['config'] ?? env['MIMEO_CONFIG']);
  const server = (name: 'dataDir' | 'host' | 'apiPort' | 'rootAccessKey' | 'rootSecretKey') => {
    const s = SETTINGS[name];
    const raw = flags[s.flag] ?? env[s.env] ?? (file[name] === undefined ? undefined : String(file[name]));
    return raw === '' ? undefined : raw;
  };
  const host = server('host') ?? '127.0.0.1';
  const port = server('apiPort') ?? '9001';
  const caFile = get(CLIENT_SETTINGS.ca);
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read the CA file ${caFile}: ${(err as Error).message}`);
    }
  }
  const url = get(CLIENT_SETTINGS.url) ?? `http://${host}:${port}`;
  try {
    new URL(url);
  } catch {
    throw new ConfigError(`not a URL: ${url}`);
  }
  const accessKey = get(CLIENT_SETTINGS.accessKey);
  const secretKey = get(CLIENT_SETTINGS.secretKey);
  const own = accessKey !== undefined || secretKey !== undefined;
  return {
    url,
    accessKey: own ? accessKey : server('rootAccessKey'),
    secretKey: own ? secretKey : server('rootSecretKey'),
    ca,
    dataDir: resolve(server('dataDir') ?? './data'),
  };
}
