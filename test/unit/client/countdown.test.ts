import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createI18n, pickLanguage, textDirection } from '../../../client/src/i18n/i18n';
import { offsetFrom } from '../../../client/src/live/clock';
import { formatClock, isAnnouncedMinute, minutesLeft, msToNextTick, remainingMs } from '../../../client/src/time/countdown';

const minute = 60_000;

describe('the countdown', () => {
  it('counts from the absolute deadline and the server clock', () => {
    expect(remainingMs({ status: 'running', endsAt: 100 * minute, remainingMs: null }, 65 * minute)).toBe(35 * minute);
  });

  it('shows what was left while paused, and nothing in the lobby or after the end', () => {
    expect(remainingMs({ status: 'paused', endsAt: null, remainingMs: 4 * minute }, 0)).toBe(4 * minute);
    expect(remainingMs({ status: 'lobby', endsAt: null, remainingMs: null }, 0)).toBeNull();
    expect(remainingMs({ status: 'ended', endsAt: null, remainingMs: null }, 0)).toBeNull();
  });

  it('holds at zero past a deadline', () => {
    expect(remainingMs({ status: 'running', endsAt: 1000, remainingMs: null }, 5000)).toBe(0);
  });

  it('formats minutes and seconds, rounding seconds up so zero shows only at zero', () => {
    expect(formatClock(35 * minute)).toBe('35:00');
    expect(formatClock(35 * minute - 1)).toBe('35:00');
    expect(formatClock(299_001)).toBe('05:00');
    expect(formatClock(1)).toBe('00:01');
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(-5)).toBe('00:00');
    expect(formatClock(65 * minute)).toBe('1:05:00');
  });

  it('speaks at every minute of the last five, then every fifth minute', () => {
    expect([35, 34, 30, 12, 10, 6, 5, 4, 1, 0].filter(isAnnouncedMinute)).toEqual([35, 30, 10, 5, 4, 1]);
    expect(minutesLeft(4 * minute + 1)).toBe(5);
    expect(minutesLeft(4 * minute)).toBe(4);
  });

  it('re-renders on the tick', () => {
    expect(msToNextTick(5_250)).toBe(250);
    expect(msToNextTick(5_000)).toBe(1000);
  });
});

describe('the server clock offset', () => {
  it('takes the sample with the shortest round trip, the server read half-way', () => {
    const offset = offsetFrom([
      { sentAt: 1000, receivedAt: 1400, serverNow: 6000 },
      { sentAt: 2000, receivedAt: 2020, serverNow: 7010 },
      { sentAt: 3000, receivedAt: 3100, serverNow: 8100 },
    ]);
    expect(offset).toEqual({ offsetMs: 5000, rttMs: 20 });
  });

  it('ignores impossible samples and has nothing to say without samples', () => {
    expect(offsetFrom([])).toBeNull();
    expect(offsetFrom([{ sentAt: 10, receivedAt: 5, serverNow: 0 }])).toBeNull();
  });
});

describe('interface languages', () => {
  it('picks the first language with a translation', () => {
    expect(pickLanguage(['de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(pickLanguage([null, 'EN-gb'])).toBe('en');
    expect(pickLanguage(['de', 'ES-mx'])).toBe('es');
    expect(pickLanguage(['ar-EG'])).toBe('ar');
    expect(pickLanguage(['de', 'pt-BR'])).toBeNull();
  });

  it('isolates names and titles inside sentences, so another script cannot reorder them; numbers stay plain', () => {
    const t = createI18n('en', { en: { floor: { holder: '{{name}} has the floor.' }, rooms: { here_one: '{{count}} of {{total}} here', here_other: '{{count}} of {{total}} here' } } }).getFixedT('en');
    expect(t('floor.holder', { name: 'أمينة' })).toBe('\u2068أمينة\u2069 has the floor.');
    expect(t('rooms.here', { count: 3, total: 5 })).toBe('3 of 5 here');
  });

  it('knows the writing direction of a language, for <html dir>', () => {
    const i18n = createI18n('en');
    expect(i18n.dir('en')).toBe('ltr');
    expect(i18n.dir('ar')).toBe('rtl');
    expect(i18n.dir('he')).toBe('rtl');
    // The notes and untranslated agenda texts take the direction of their own language.
    expect(textDirection('ar')).toBe('rtl');
    expect(textDirection('es')).toBe('ltr');
  });
});

describe('the stylesheet', () => {
  it('uses logical properties only, so right-to-left languages mirror the layout', () => {
    const css = readFileSync(join(process.cwd(), 'client', 'src', 'styles.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const physical = css
      .split('\n')
      .map((line, i) => ({ line: i + 1, text: line.trim() }))
      .filter(({ text }) =>
        /(^|[\s;{])(margin|padding|border)-(left|right|top|bottom)(-\w+)?\s*:|(^|[\s;{])(left|right|top|bottom|width|height|min-width|max-width|min-height|max-height)\s*:|text-align\s*:\s*(left|right)|float\s*:\s*(left|right)/.test(text),
      );
    expect(physical).toEqual([]);
  });
});
