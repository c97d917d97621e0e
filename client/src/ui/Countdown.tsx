import { Component } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { WarningEvent } from '../../../shared/protocol';
import type { SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { formatClock, isAnnouncedMinute, minutesLeft } from '../time/countdown';
import { useRemaining } from './hooks';
import { Icon } from './icons';
import { currentStep } from './names';

interface Props {
  client: SessionClient;
  view: SessionView;
  offsetMs: number;
  warning: WarningEvent | null;
}

/**
 * The wall clock of the current step. The large figure changes every second but is not live; a
 * separate polite region speaks only at minute marks, warnings and changes of step, so a screen
 * reader is not interrupted every second.
 */
export function Countdown({ client, view, offsetMs, warning }: Props) {
  const t = useT();
  const headingId = useId();
  const ms = useRemaining(client, view, offsetMs);
  const step = currentStep(view);
  const timeUp = view.status === 'running' && ms === 0;
  const [announcement, setAnnouncement] = useState('');
  const seenStep = useRef<string | null>(null);
  const seenMinute = useRef<number | null>(null);

  useEffect(() => {
    const stepKey = `${view.stepIndex}:${view.status}`;
    const minute = ms === null ? null : minutesLeft(ms);
    if (seenStep.current !== stepKey) {
      if (seenStep.current !== null) {
        if (view.status === 'paused') setAnnouncement(t('countdown.pausedAnnouncement'));
        else if (view.status === 'ended') setAnnouncement(t('countdown.endedAnnouncement'));
        else if (step) setAnnouncement(t('countdown.stepAnnouncement', { title: step.title, count: minute ?? 0 }));
      }
      seenStep.current = stepKey;
      seenMinute.current = minute;
      return;
    }
    if (minute === null || minute === seenMinute.current) return;
    const before = seenMinute.current;
    seenMinute.current = minute;
    if (before === null) return;
    if (minute === 0) setAnnouncement(t('countdown.timeUp'));
    else if (minute > before) setAnnouncement(t('countdown.extendedAnnouncement', { count: minute }));
    else if (isAnnouncedMinute(minute)) setAnnouncement(t('countdown.minutesLeft', { count: minute }));
  }, [ms === null ? null : minutesLeft(ms), view.stepIndex, view.status]);

  const currentWarning = warning && warning.stepIndex === view.stepIndex ? warning : null;
  useEffect(() => {
    if (!currentWarning) return;
    setAnnouncement(currentWarning.minutesLeft === 0 ? t('countdown.timeUp') : t('countdown.minutesLeft', { count: currentWarning.minutesLeft }));
  }, [currentWarning]);

  return (
    <section class="countdown" aria-labelledby={headingId}>
      <h2 id={headingId} class="countdown-heading">
        <Icon name="clock" />
        {step ? t('countdown.headingStep', { title: step.title }) : t('countdown.heading')}
      </h2>
      <p class={`clock${timeUp ? ' clock-zero' : ''}`} dir="ltr" role="timer" aria-labelledby={headingId} data-testid="countdown">
        {ms === null ? '--:--' : formatClock(ms)}
      </p>
      {ms !== null && step && <TimeBar ms={ms} totalMs={step.minutes * 60_000} />}
      {view.status === 'paused' && <p class="pill pill-paused">{t('countdown.paused')}</p>}
      {timeUp && <p class="pill pill-timeup">{t('countdown.timeUp')}</p>}
      {currentWarning && currentWarning.minutesLeft > 0 && !timeUp && (
        <p class="warning-banner" data-testid="time-warning">
          {t('countdown.minutesLeft', { count: currentWarning.minutesLeft })}
        </p>
      )}
      <PoliteAnnouncement text={announcement} />
    </section>
  );
}

/**
 * The polite live region. It re-renders only when its words change, so the DOM under it is not
 * touched while the clock ticks and a screen reader has nothing to re-read.
 */
class PoliteAnnouncement extends Component<{ text: string }> {
  override shouldComponentUpdate(next: { text: string }): boolean {
    return next.text !== this.props.text;
  }

  override render() {
    return (
      <p class="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="countdown-announcement">
        {this.props.text}
      </p>
    );
  }
}

/**
 * The time left as a bar that shrinks, for whoever reads a length sooner than a number. It is not
 * a live region: the polite announcement above speaks the minute marks.
 */
function TimeBar({ ms, totalMs }: { ms: number; totalMs: number }) {
  const t = useT();
  // An extended step can have more left than it first had: the bar is then full.
  const total = Math.max(totalMs, ms, 1);
  const minutes = minutesLeft(ms);
  const share = Math.round((ms / total) * 1000) / 10;
  return (
    <div
      class={`time-bar${minutes <= 1 ? ' time-bar-low' : ''}`}
      role="progressbar"
      aria-label={t('easy.timeBar')}
      aria-valuemin={0}
      aria-valuemax={Math.ceil(total / 60_000)}
      aria-valuenow={minutes}
      aria-valuetext={t('countdown.minutesLeft', { count: minutes })}
      data-testid="time-bar"
    >
      <div class="time-bar-fill" style={{ inlineSize: `${share}%` }} />
    </div>
  );
}
