// Where the harness lives and writes: repository-relative, so it runs from any working directory.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Private data dir: the shared infrastructure under .data/ is never touched. */
export const BENCH_DATA_DIR = `${REPO_ROOT}.data/bench`;
export const BENCH_LOG_DIR = `${BENCH_DATA_DIR}/logs`;
export const DOCS_BENCHMARKS = `${REPO_ROOT}docs/benchmarks`;
export const DOCS_FAULTS = `${REPO_ROOT}docs/faults`;
