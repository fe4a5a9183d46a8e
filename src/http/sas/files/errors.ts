// The Files, Folders and Types services' error table: SAS statuses, numbered from 11500 (a file not found is 11512).

import { sasTable } from '../kit/error-table.ts';
import { sasErrorRenderer } from '../kit/errors.ts';

export const SAS_FILES_ERRORS = sasTable(11500);
export const renderSasFilesError = sasErrorRenderer(SAS_FILES_ERRORS);
