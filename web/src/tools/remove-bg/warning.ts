/**
 * The one sentence a finished photo's row and viewer show instead of "Done": "the subject may be
 * incomplete" first when the model was unsure of the subject (the report's flag, from the engine's
 * confidence signal), then the engine's other warnings.
 */
import { INCOMPLETE } from '../../engine/tools/remove-bg/confidence';
import { warningSentence } from '../../app/text/problems';
import type { BgReport } from './protocol';

export function resultWarning(report: BgReport | null | undefined): string | null {
  if (!report) return null;
  const others = report.warnings.filter((w) => w !== INCOMPLETE);
  return warningSentence(report.mayBeIncomplete ? [INCOMPLETE, ...others] : others);
}

/** What the viewer says about the subject: how sure the model was, and whether it looked twice. */
export function subjectText(report: BgReport): string {
  const sure = `confidence ${report.confidence.toFixed(2)}`;
  const looks = report.secondLook ? ' · looked twice' : '';
  return `${report.mayBeIncomplete ? 'May be incomplete' : 'Whole'} · ${sure}${looks}`;
}
