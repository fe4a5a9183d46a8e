// @sasjs/adapter as a test drives it, unmodified: the calls of its public API the SAS tests use, typed, and its
// request client. The package's main entry is a browser bundle; Node takes its `node` entry, through require.
import { createRequire } from 'node:module';

export interface Folder {
  id: string;
  name: string;
  type: string;
  memberCount: number;
  parentFolderUri?: string;
}
export interface Member {
  id: string;
  name: string;
  type: string;
  contentType: string;
  uri: string;
}
export interface FileResource {
  id: string;
  name: string;
  size: number;
  parentUri: string;
}
export interface Adapter {
  createFolder(name: string, parentPath: string, parentUri?: string, token?: string): Promise<Folder>;
  getFolder(path: string, token?: string): Promise<Folder>;
  listFolder(path: string, token?: string, limit?: number, details?: boolean): Promise<(string | Member)[]>;
  moveFolder(source: string, targetParent: string, targetName: string, token: string): Promise<Folder>;
  createFile(
    name: string,
    content: Buffer,
    parentPath: string,
    parentUri?: string,
    token?: string,
  ): Promise<unknown>;
  getFileContent(folderPath: string, fileName: string, token?: string): Promise<unknown>;
  updateFileContent(
    folderPath: string,
    fileName: string,
    content: string,
    token?: string,
  ): Promise<FileResource>;
}
export interface RequestClient {
  post<T>(
    url: string,
    data: unknown,
    token: string | undefined,
    contentType?: string,
    headers?: Record<string, string>,
  ): Promise<{ result: T; etag: string }>;
  get<T>(url: string, token: string | undefined): Promise<{ result: T; etag: string; status: number }>;
}
interface AdapterModule {
  default: new (config: Record<string, unknown>) => Adapter;
  SasjsRequestClient: new (baseUrl: string, httpsAgentOptions?: Record<string, unknown>) => RequestClient;
}

const adapter = createRequire(import.meta.url)('@sasjs/adapter/node') as AdapterModule;

/** The adapter for a SAS Viya server at `serverUrl` whose certificate is `ca`, for a web app at `appLoc`. */
export const sasjs = (serverUrl: string, ca: string, appLoc: string): Adapter =>
  new adapter.default({
    serverUrl,
    serverType: 'SASVIYA',
    appLoc,
    useComputeApi: true,
    debug: false,
    httpsAgentOptions: { ca },
  });

/** The adapter's request client for the same server. */
export const requestClient = (serverUrl: string, ca: string): RequestClient =>
  new adapter.SasjsRequestClient(serverUrl, { ca });
