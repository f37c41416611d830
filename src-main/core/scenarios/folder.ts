/** A folder of case files of either version, listed the way case collections are (sub-folders are collections). */
import { listCases, LIST_LIMITS, type CaseEntry } from '../workflows/case-file.ts';
import { readCaseOrScenario, type CaseOrScenario } from './scenario-file.ts';

export function listScenarioFolder(root: string, limits = LIST_LIMITS): CaseEntry<CaseOrScenario>[] {
  return listCases(root, limits, readCaseOrScenario);
}
