import { useId } from 'preact/hooks';
import { useT } from '../i18n/i18n';
import { useSubscribed } from '../ui/hooks';
import { dataSaver, type SaverState } from './data-saver';

/** This page's data saver, re-rendered when it switches. */
export function useSaver(): SaverState {
  return useSubscribed(dataSaver());
}

/** A leaf: light on the link. */
export function SaverIcon() {
  return (
    <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d="M5 19c0-8 5-13 15-14-1 10-6 15-14 15" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
      <path d="M5 19l7-7" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
    </svg>
  );
}

/**
 * In the header: whether data saver is on, switched by the person (their choice is kept on this
 * device and wins over what the connection suggests).
 */
export function SaverToggle() {
  const t = useT();
  const saver = useSaver();
  const hintId = useId();
  const hint = saver.on ? (saver.reason === 'choice' ? t('saver.onByChoice') : t('saver.onAutomatically')) : t('saver.off');
  return (
    <button
      type="button"
      class={saver.on ? 'saver-toggle saver-on' : 'saver-toggle'}
      aria-pressed={saver.on}
      aria-describedby={hintId}
      title={hint}
      onClick={() => dataSaver().choose(saver.on ? 'off' : 'on')}
      data-testid="saver-toggle"
      data-reason={saver.reason ?? ''}
    >
      <SaverIcon />
      <span class="saver-label visually-hidden">{t('saver.toggle')}</span>
      <span id={hintId} class="visually-hidden">
        {hint}
      </span>
    </button>
  );
}
