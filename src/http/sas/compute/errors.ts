// The Compute service's error table: SAS statuses, numbered from 5400.

import { sasTable } from '../kit/error-table.ts';
import { sasErrorRenderer } from '../kit/errors.ts';

export const SAS_COMPUTE_ERRORS = sasTable(5400);
export const renderSasComputeError = sasErrorRenderer(SAS_COMPUTE_ERRORS);
