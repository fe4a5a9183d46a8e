// Renders docs/errors.md from the error catalogue and each API's table, so they cannot drift apart.
import { ERROR_CODES, type ErrorCode } from '../core/errors.ts';
import { DIALECTS } from './dialects.ts';

export function renderErrorsDoc(): string {
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[])
    .map((code) => {
      const cells = DIALECTS.map((d) => `\`${d.errors[code].code}\` ${d.errors[code].status}`);
      return `| \`${code}\` | ${cells.join(' | ')} | ${ERROR_CODES[code]} |`;
    })
    .join('\n');
  const head = `| code | ${DIALECTS.map((d) => d.name).join(' | ')} | meaning |`;
  const rule = `|---|${DIALECTS.map(() => '---|').join('')}---|`;
  return `# Errors

Every error the core raises has a string code. Each API maps every code in its own table.
The native API (\`/api/v1\`) answers with the status below and a JSON body:

\`\`\`json
{ "error": { "code": "NoSuchKey", "message": "No file exists at 'a/b'.", "requestId": "5f0c2a9e1b7d3c4a" } }
\`\`\`

The same request id is in the \`x-request-id\` response header and in the server's log line for the request.
A 304 has no body. A 416 carries \`Content-Range: bytes */<size>\`. A 401 carries \`WWW-Authenticate: Bearer\`.
A 429 carries \`Retry-After\`, the seconds until the failed sign-ins of that name or address stop counting.
An unexpected failure is a 500 \`InternalError\` whose message says nothing of the server's internals; the
log has the details under the same request id.

The S3 API (port 9000) answers with an XML \`<Error>\` holding \`Code\`, \`Message\`, \`Resource\` and \`RequestId\`,
the same id in \`x-amz-request-id\`, and the S3 code and status below. It also has codes of its own, for what
only S3 has: \`SignatureDoesNotMatch\`, \`InvalidAccessKeyId\`, \`RequestTimeTooSkewed\`,
\`AuthorizationHeaderMalformed\` and \`AuthorizationQueryParametersError\` (both with the expected \`<Region>\` when
the region is wrong), \`XAmzContentSHA256Mismatch\`, \`MalformedXML\`, \`MalformedACLError\`, \`UnexpectedContent\`,
\`NoSuchTagSet\` (404), \`InvalidPartNumber\` (416), \`MalformedTrailerError\`, \`MissingContentLength\` (411), \`InvalidURI\`,
\`InvalidStorageClass\` (every object is STANDARD), \`InvalidRequest\`, \`MethodNotAllowed\` and \`NotImplemented\`
(501, for every sub-resource mimeo does not implement).

The Tencent COS dialect (the S3 port, for requests to a COS virtual host or signed with \`q-sign-algorithm\`, column
\`cos\`) answers with S3's codes and statuses in COS's \`<Error>\`: \`Code\`, \`Message\`, \`Resource\` (host and path),
\`RequestId\` and \`TraceId\` (the request id, also in \`x-cos-request-id\` and \`x-cos-trace-id\`), with
\`Server: tencent-cos\`. Its signature's failures are 403: \`SignatureDoesNotMatch\`, \`InvalidAccessKeyId\`, and
\`AccessDenied\` for a malformed signature or one outside its \`q-sign-time\` (\`Request has expired\`). A copy-source
condition pair COS does not allow is 400 \`InvalidArgument\`.

The Qumulo dialect (\`/v1\`, \`/v3\` on the API port) answers with Qumulo's JSON error body, with
\`Content-Type: application/json\` exactly: \`{"module": "qfsd.fs", "error_class": "fs_no_such_entry_error",
"description": "...", "stack": [], "user_visible": true}\`. Its column gives the \`error_class\`; the module is
\`qfsd.\` and the class's first word. An unknown route under its paths is 404 \`http_not_found_error\`.

The Seven Bridges dialect (\`/v2\` on the API port) answers with SBG's JSON error body: \`{"status": 404, "code":
5002, "message": "...", "more_info": "https://docs.sevenbridges.com/docs/api-status-codes"}\`. Its column gives the
numeric \`code\`. It never answers 503 with code 0 (which SBG's client reads as maintenance).

SAS Logon (\`/SASLogon\` on the API port, its column \`sas-logon\`) answers as an OAuth 2.0 server does
(RFC 6749 section 5.2), with \`Content-Type: application/json\` exactly and \`Cache-Control: no-store\`:
\`{"error": "invalid_grant", "error_description": "..."}\`. Its column gives the \`error\`. A 401
\`invalid_client\` carries \`WWW-Authenticate: Basic realm="SASLogon"\`. A \`grant_type\` it does not serve is 400
\`unsupported_grant_type\`.

The SAS Files service (\`/files\`, \`/folders\`, \`/types\`, column \`sas-files\`) and the SAS Compute service
(\`/compute\`, column \`sas-compute\`) answer with SAS's error body, \`Content-Type:
application/vnd.sas.error+json\`: \`{"version": 2, "httpStatusCode": 404, "errorCode": 11512, "message": "...",
"details": ["path: /files/files/...", "correlator: <request id>"], "remediation": "...", "errors": [], "links":
[]}\`. Their columns give the numeric \`errorCode\` (Files from 11500, Compute from 5400, the same offset for a code in
both). Beside the table: 415 (\`errorCode\` 41501) for an \`Accept\` that asks only for a representation version the
service does not have, or a request \`Content-Type\` a route does not take; 428 (42801) for an update sent without
\`If-Match\`; 405 (40501) with \`Allow\` for a method a path does not take (SAS Logon's is \`method_not_allowed\`). A 401 carries \`WWW-Authenticate: Bearer realm="SAS Logon"\`. No SAS answer is a 403 or a 449 for a
problem with credentials (@sasjs/adapter reads those as a CSRF challenge): 403 means the principal lacks a role.

On both ports, a request that is not valid HTTP is answered before any route runs, in the shape of the API its path
names (the port's when no path can be read): 400 \`BadRequest\`, 431 \`RequestHeaderSectionTooLarge\` for a header
section of 16 KiB or more (the request target and the header names and values, as Node counts them), 408
\`RequestTimeout\` for headers that do not arrive in time, and 400 \`InvalidURI\` for a path that does not decode.
The connection is then closed. On the API port an \`Expect\` other than \`100-continue\` is 417 (\`ExpectationFailed\`
natively) in the shape of the API the path names, and the connection is closed; the S3 port ignores it, as S3 does.

This file is generated by \`npm run docs:errors\`; a test fails when it is stale.

Each column is a dialect's code and status.

${head}
${rule}
${rows}
`;
}
