// Numbered schema migrations, written once in SQL that both sqlite and postgres accept.
// Types: TEXT, BIGINT (sizes, times in ms, sequence numbers) and INTEGER (flags, 0 or 1).

import type { Tx } from './meta-store.ts';
import { fillDirectories } from './migrate-directories.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Rows the SQL alone cannot write, filled in the migration's transaction after its statements. */
  data?: (tx: Tx) => Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'core',
    sql: `
CREATE TABLE principals (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE access_keys (
  id TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX tokens_expiry ON tokens(expires_at);
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  owner_id TEXT NOT NULL,
  versioning TEXT NOT NULL DEFAULT 'off',
  data_class TEXT NOT NULL DEFAULT 'open',
  created_at BIGINT NOT NULL
);
CREATE TABLE members (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  principal_id TEXT NOT NULL,
  role TEXT NOT NULL,
  PRIMARY KEY (project_id, principal_id)
);
CREATE TABLE leases (
  id TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE TABLE blocks (
  id TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  crc64 TEXT NOT NULL,
  lease_id TEXT,
  created_at BIGINT NOT NULL,
  condemned_at BIGINT
);
CREATE TABLE manifests (
  id TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  extent_count BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  condemned_at BIGINT
);
CREATE TABLE extents (
  manifest_id TEXT NOT NULL REFERENCES manifests(id) ON DELETE CASCADE,
  file_offset BIGINT NOT NULL,
  length BIGINT NOT NULL,
  block_id TEXT NOT NULL REFERENCES blocks(id),
  block_offset BIGINT NOT NULL,
  PRIMARY KEY (manifest_id, file_offset)
);
CREATE INDEX extents_block ON extents(block_id);
CREATE TABLE files (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  path TEXT{{BINARY}} NOT NULL,
  type TEXT NOT NULL,
  hidden INTEGER NOT NULL DEFAULT 0,
  current_version_id TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (project_id, path)
);
CREATE TABLE versions (
  id TEXT PRIMARY KEY,
  file_id TEXT NOT NULL REFERENCES files(id),
  version_id TEXT NOT NULL,
  listed INTEGER NOT NULL,
  created_seq BIGINT NOT NULL,
  superseded_seq BIGINT,
  size BIGINT NOT NULL,
  etag TEXT NOT NULL,
  checksums TEXT NOT NULL,
  content_type TEXT,
  content_disposition TEXT,
  content_encoding TEXT,
  cache_control TEXT,
  expires TEXT,
  user_metadata TEXT NOT NULL,
  tags TEXT NOT NULL,
  properties TEXT NOT NULL,
  delete_marker INTEGER NOT NULL DEFAULT 0,
  lineage TEXT,
  part_sizes TEXT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  modified_by TEXT NOT NULL,
  modified_at BIGINT NOT NULL,
  expires_at BIGINT
);
CREATE INDEX versions_file ON versions(file_id, created_seq);
CREATE INDEX versions_seq ON versions(created_seq);
CREATE TABLE streams (
  version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  manifest_id TEXT NOT NULL REFERENCES manifests(id),
  PRIMARY KEY (version_id, name)
);
CREATE INDEX streams_manifest ON streams(manifest_id);
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  path TEXT{{BINARY}} NOT NULL,
  principal_id TEXT NOT NULL,
  attributes TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX uploads_path ON uploads(project_id, path, created_at);
CREATE TABLE parts (
  upload_id TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
  part_number INTEGER NOT NULL,
  manifest_id TEXT NOT NULL REFERENCES manifests(id),
  size BIGINT NOT NULL,
  etag TEXT NOT NULL,
  checksums TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
CREATE INDEX parts_manifest ON parts(manifest_id);
CREATE TABLE snapshots (
  id TEXT PRIMARY KEY,
  project_id TEXT,
  name TEXT NOT NULL,
  seq BIGINT NOT NULL,
  hidden INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  spec TEXT NOT NULL,
  progress TEXT NOT NULL,
  error TEXT,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_state ON jobs(state);
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'small blocks',
    sql: `
CREATE TABLE block_data (
  id TEXT PRIMARY KEY,
  data {{BYTES}} NOT NULL,
  created_at BIGINT NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'users and keys',
    sql: `
ALTER TABLE tokens ADD COLUMN access_key_id TEXT;
CREATE INDEX tokens_key ON tokens(access_key_id);
CREATE INDEX tokens_principal ON tokens(principal_id);
CREATE INDEX access_keys_principal ON access_keys(principal_id);
CREATE INDEX members_principal ON members(principal_id);
CREATE INDEX projects_owner ON projects(owner_id);
`,
  },
  {
    version: 4,
    name: 'canned ACLs',
    sql: `
ALTER TABLE projects ADD COLUMN acl TEXT NOT NULL DEFAULT 'private';
ALTER TABLE versions ADD COLUMN acl TEXT;
`,
  },
  {
    version: 5,
    name: 'envelope encryption',
    sql: `
CREATE TABLE keks (
  id TEXT PRIMARY KEY,
  wrapped TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE kms_keys (
  name TEXT PRIMARY KEY,
  wrapped TEXT NOT NULL,
  kek_id TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE TABLE version_keys (
  version_id TEXT NOT NULL,
  dek_id TEXT NOT NULL,
  wrapped TEXT NOT NULL,
  wrapped_by TEXT NOT NULL,
  PRIMARY KEY (version_id, dek_id)
);
CREATE INDEX version_keys_wrapper ON version_keys(wrapped_by);
CREATE TABLE upload_keys (
  upload_id TEXT NOT NULL,
  dek_id TEXT NOT NULL,
  wrapped TEXT NOT NULL,
  wrapped_by TEXT NOT NULL,
  PRIMARY KEY (upload_id, dek_id)
);
ALTER TABLE blocks ADD COLUMN dek_id TEXT;
ALTER TABLE versions ADD COLUMN sse TEXT;
ALTER TABLE versions ADD COLUMN sse_key TEXT;
ALTER TABLE projects ADD COLUMN default_sse TEXT;
ALTER TABLE projects ADD COLUMN default_sse_key TEXT;
`,
  },
  {
    version: 6,
    name: 'completed uploads',
    // The upload a version completed, so that a retried CompleteMultipartUpload gets the same answer.
    sql: `
ALTER TABLE versions ADD COLUMN upload_id TEXT;
`,
  },
  {
    version: 7,
    name: 'project tags',
    // A project's tags as a JSON object; NULL when it has no tag set (S3 bucket tagging).
    sql: `
ALTER TABLE projects ADD COLUMN tags TEXT;
`,
  },
  {
    version: 8,
    name: 'passwords, personal tokens and sign-in limits',
    // A password is a PHC-style scrypt string (NULL: none). A session's origin is what it was signed in with besides an
    // access key ('password', or a personal token's id), so that changing or revoking that ends it. A personal token
    // is kept as the SHA-256 of its text. login_failures counts failed sign-ins of one subject ('name:<name>' or
    // 'address:<address>') in a window that starts at the first failure.
    sql: `
ALTER TABLE principals ADD COLUMN password_hash TEXT;
ALTER TABLE tokens ADD COLUMN origin TEXT;
CREATE INDEX tokens_origin ON tokens(origin);
CREATE TABLE personal_tokens (
  id TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
  name TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  expires_at BIGINT
);
CREATE INDEX personal_tokens_principal ON personal_tokens(principal_id, created_at);
CREATE TABLE login_failures (
  subject TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  failures INTEGER NOT NULL
);
CREATE INDEX login_failures_window ON login_failures(window_start);
`,
  },
  {
    version: 9,
    name: 'directories',
    // Every entry gets a number (its decimal, 24-hex and UUID ids on the wire derive from it) and its place in the
    // tree: the path of its parent directory ('' at the project's root) and its name (a folder marker `a/` has the
    // name '' in directory `a`). A directory is a row of type 'directory' with no version: its attributes are
    // owner_id, mode, created_at, modified_at and created_seq (the sequence number it was made at). Its path column
    // holds U+0002 and its id, which no client path can equal (control characters are refused), so that the
    // files' unique paths and every range scan over paths (S3 listings, tree copies) see files only: a file `a` and
    // a directory `a` may both exist, as S3 lets a key `a` sit beside keys under `a/`. A project, the top-level
    // directory of the file dialects' tree, has a number too. Numbers below RESERVED_NUMBERS name no entry: the
    // tree's root is one of them.
    sql: `
ALTER TABLE files ADD COLUMN number BIGINT;
ALTER TABLE files ADD COLUMN parent TEXT{{BINARY}} NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN name TEXT{{BINARY}} NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN owner_id TEXT;
ALTER TABLE files ADD COLUMN mode INTEGER;
ALTER TABLE files ADD COLUMN modified_at BIGINT;
ALTER TABLE files ADD COLUMN created_seq BIGINT;
CREATE UNIQUE INDEX files_number ON files(number);
CREATE INDEX files_children ON files(project_id, parent, name);
CREATE UNIQUE INDEX files_directories ON files(project_id, parent, name) WHERE type = 'directory';
ALTER TABLE projects ADD COLUMN number BIGINT;
CREATE UNIQUE INDEX projects_number ON projects(number);
`,
    data: fillDirectories,
  },
  {
    version: 10,
    name: 'purge candidates',
    // The versions a snapshot may be keeping (unlisted and superseded) and the files left without a current
    // version: what a purge looks at when a snapshot or a tree copy's pin goes, without reading the whole project.
    sql: `
CREATE INDEX versions_unlisted ON versions(superseded_seq) WHERE listed = 0 AND superseded_seq IS NOT NULL;
CREATE INDEX files_without_current ON files(project_id) WHERE type = 'file' AND current_version_id IS NULL;
`,
  },
  {
    version: 11,
    name: 'snapshot numbers, scopes and expiry',
    // A snapshot's number is how the file dialects name it (Qumulo shows 1, 2, 3...): unique, never reused while
    // the snapshot exists, given in the creating transaction as one more than the largest. dir_path is the
    // directory (in its project, no trailing '/') whose subtree the snapshot shows; NULL shows the whole project
    // (or, with no project, the whole tree). After expires_at (ms) the snapshot reads as gone and is deleted lazily.
    sql: `
ALTER TABLE snapshots ADD COLUMN number BIGINT;
ALTER TABLE snapshots ADD COLUMN dir_path TEXT;
ALTER TABLE snapshots ADD COLUMN expires_at BIGINT;
CREATE UNIQUE INDEX snapshots_number ON snapshots(number);
CREATE INDEX snapshots_expiry ON snapshots(expires_at) WHERE expires_at IS NOT NULL;
`,
    data: numberSnapshots,
  },
  {
    version: 12,
    name: 'oauth clients and refresh tokens',
    // An OAuth client (SAS Logon's token endpoint): its id is the client_id; secret_hash is the SHA-256 of its
    // secret, NULL for a public client, which authenticates with an empty secret; principal_id is whom it acts for
    // under client_credentials (NULL: nobody); grants is a comma-separated list of the grant types it may use. A
    // refresh token is kept as the SHA-256 of its text, bound to its client and principal, with what its first
    // sign-in was made with: 'root', or 'password' and the password hash then checked, so that it ends when the
    // password does. The public client sas.cli exists from the start, as on a SAS Viya server.
    sql: `
CREATE TABLE oauth_clients (
  id TEXT PRIMARY KEY,
  secret_hash TEXT,
  principal_id TEXT,
  grants TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX oauth_clients_principal ON oauth_clients(principal_id);
CREATE TABLE oauth_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  via TEXT NOT NULL,
  password_hash TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX oauth_refresh_tokens_client ON oauth_refresh_tokens(client_id);
CREATE INDEX oauth_refresh_tokens_principal ON oauth_refresh_tokens(principal_id);
CREATE INDEX oauth_refresh_tokens_expiry ON oauth_refresh_tokens(expires_at);
`,
    data: (tx) =>
      tx
        .run(
          'INSERT INTO oauth_clients (id, secret_hash, principal_id, grants, created_at) VALUES (?, NULL, NULL, ?, ?)',
          ['sas.cli', 'password,refresh_token', Date.now()],
        )
        .then(() => {}),
  },
  {
    version: 13,
    name: 'version expiry index',
    // Versions that expire (a SAS file's expirationTimeStamp): the collection pass finds the due ones by this index.
    sql: `
CREATE INDEX versions_expires ON versions(expires_at) WHERE expires_at IS NOT NULL;
`,
  },
  {
    version: 14,
    name: 'compute sessions',
    // A SAS Compute session: whose it is (only its owner sees it), the context it was made in, its name, and the
    // directory its relative paths start from (absolute, in the tree whose top level holds the projects). It ends
    // when deleted, or once it has gone unused until expires_at (ms), which each use pushes back. principal_id has
    // no foreign key: root, who may hold sessions too, is configured rather than stored.
    sql: `
CREATE TABLE compute_sessions (
  id TEXT PRIMARY KEY,
  principal_id TEXT NOT NULL,
  context_id TEXT NOT NULL,
  name TEXT NOT NULL,
  cwd TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  used_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX compute_sessions_principal ON compute_sessions(principal_id);
CREATE INDEX compute_sessions_expiry ON compute_sessions(expires_at);
`,
  },
  {
    version: 15,
    name: 'key rings and default streams of copies',
    // What a tree copy writes per file, besides its file row, is its version row alone. A version made as a copy
    // under the same protection may share its source's key ring instead of holding a copy of it: ring_of names the
    // version whose version_keys rows are its ring (always the ring's owner, never a version that shares one itself);
    // NULL, as in every existing row, is the version's own ring. A ring stays while its owner or any version sharing
    // it exists. manifest_id, when set, is the manifest of the version's default stream, which then has no row in
    // streams (its named streams still have theirs); NULL, as in every existing row, leaves the default stream to
    // streams. Such a manifest is referenced as a row of streams references it (GC, scrub, usage). The indexes let
    // the collection find both references.
    sql: `
ALTER TABLE versions ADD COLUMN ring_of TEXT;
CREATE INDEX versions_ring ON versions(ring_of) WHERE ring_of IS NOT NULL;
ALTER TABLE versions ADD COLUMN manifest_id TEXT;
CREATE INDEX versions_manifest ON versions(manifest_id) WHERE manifest_id IS NOT NULL;
`,
  },
];

/** Migration 11's rows: every snapshot without a number gets the next one, oldest first. */
export async function numberSnapshots(tx: Tx): Promise<void> {
  const top = await tx.get<{ n: number | null }>('SELECT MAX(number) AS n FROM snapshots');
  let next = Number(top?.n ?? 0) + 1;
  const rows = await tx.all<{ id: string }>(
    'SELECT id FROM snapshots WHERE number IS NULL ORDER BY seq, created_at, id',
  );
  for (const r of rows) await tx.run('UPDATE snapshots SET number = ? WHERE id = ?', [next++, r.id]);
}

/**
 * Splits a migration into statements for one store. `{{BINARY}}` marks text that must sort and compare byte by
 * byte (paths): sqlite does so already, postgres needs the "C" collation. `{{BYTES}}` is a byte string column.
 * The SQL holds no semicolons in literals.
 */
export function statements(sql: string, kind: 'sqlite' | 'postgres'): string[] {
  return sql
    .replaceAll('{{BINARY}}', kind === 'postgres' ? ' COLLATE "C"' : '')
    .replaceAll('{{BYTES}}', kind === 'postgres' ? 'BYTEA' : 'BLOB')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
