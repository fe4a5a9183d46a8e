// Every kind of job, loaded once so that each registers its handler (defineJob) before a runner starts.
export { COPY_LIST } from './copy-list.ts';
export { SCRUB } from './scrub.ts';
export { TREE_COPY } from './tree-copy.ts';
export { TREE_DELETE } from './tree-delete.ts';
