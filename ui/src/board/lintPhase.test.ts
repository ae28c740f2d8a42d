import { describe, expect, it } from 'vitest';
import type { Diagnostic, Report } from '../api/generated';
import { bigPictureKey, phaseLint } from './lintPhase';

const finding = (severity: Diagnostic['severity'], code: Diagnostic['code']): Diagnostic => ({ code, severity, message: code, elements: [] });

describe('the lint in big picture', () => {
  const report: Report = {
    diagnostics: [finding('error', 'duplicate-name'), finding('warning', 'unhandled-command'), finding('info', 'open-hotspot'), finding('info', 'unused-event')],
    allowed: [],
  };

  it('keeps only the errors and counts what waits', () => {
    const { report: shown, held } = phaseLint(report, true);
    expect(shown.diagnostics.map((d) => d.severity)).toEqual(['error']);
    expect(held).toBe(3);
  });

  it('shows every finding once the team asks for more', () => {
    expect(phaseLint(report, false)).toEqual({ report, held: 0 });
  });

  it('is kept per board: by its file, or by its name before it has one', () => {
    expect(bigPictureKey('/work/models/bank.ron', 'Bank')).not.toBe(bigPictureKey('/work/models/shop.ron', 'Bank'));
    expect(bigPictureKey(null, 'Bank')).toBe('squall.big-picture:unsaved:Bank');
  });
});
