import { runAnalysisTask } from './analysis-task';

/** Piscina worker: one batch of series per call. */
export default runAnalysisTask;
