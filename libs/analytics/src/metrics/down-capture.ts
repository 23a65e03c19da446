import { Metric } from '../metric';
import { capture } from './up-capture';

/**
 * Down capture: as up capture over the periods the benchmark fell (empyrical `down_capture`).
 */
export const downCapture: Metric = (input) => capture(input, (b) => b < 0);
