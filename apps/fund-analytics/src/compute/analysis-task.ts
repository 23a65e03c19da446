import { analyseNav, Convention, SeriesAnalysis } from '@qautlra/analytics';

/** A batch of NAV series on common dates: the unit of work a worker thread takes. */
export interface AnalysisTask {
  dates: string[];
  convention: Convention;
  series: Float64Array[];
  benchmark?: Float64Array;
  rolling?: boolean;
}

/** Runs a task (in a worker or inline); a series whose NAVs are invalid yields its error message. */
export function runAnalysisTask(task: AnalysisTask): (SeriesAnalysis | { error: string })[] {
  return task.series.map((navs) => {
    try {
      return analyseNav(task.dates, navs, task.convention, {
        benchmarkNavs: task.benchmark,
        rolling: task.rolling,
      });
    } catch (error) {
      return { error: (error as Error).message };
    }
  });
}
