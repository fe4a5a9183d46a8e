// The COS error table. COS answers with S3's codes and statuses (COS "Error Codes"), so its table is S3's; a core
// code that COS names differently is overridden here and nowhere else. What COS adds to the error itself (TraceId,
// x-cos-* headers, Server) is in render.ts.
import type { ErrorTable } from '../../common/dialect.ts';
import { S3_ERRORS } from '../errors.ts';

export const COS_ERRORS: ErrorTable = { ...S3_ERRORS };
