import { useEffect, useRef, useState } from 'preact/hooks';
import type { ViewStep } from '../../../shared/agenda';
import type { SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import { Icon } from '../ui/icons';
import { listen, stopListening, useVoiceFor } from './speech';

interface Props {
  /** What is read aloud. */
  text: string;
  /** The language `text` is in. */
  language: string;
  /** The organizer's recording of it, which plays instead of the browser's voice. */
  audio?: string | undefined;
  /** Which text this is, for whoever cannot see where the button sits ("question 2"). */
  what: string;
}

/**
 * The "listen" control beside a text. Shown only where something can read it: a recording, or a
 * voice of the browser for its language.
 */
export function Listen({ text, language, audio, what }: Props) {
  const t = useT();
  const voice = useVoiceFor(language);
  const [playing, setPlaying] = useState(false);
  const mine = useRef(false);
  // Leaving the screen stops what this control started, and only that.
  useEffect(() => () => void (mine.current && stopListening()), []);
  if (!audio && !voice) return null;
  const toggle = () => {
    if (playing) {
      stopListening();
      return;
    }
    setPlaying(true);
    mine.current = true;
    listen({ text, language, audio }, () => {
      mine.current = false;
      setPlaying(false);
    });
  };
  return (
    <button type="button" class="listen" aria-pressed={playing} onClick={toggle} data-testid="listen" data-source={audio ? 'recording' : 'voice'}>
      <Icon name={playing ? 'stop' : 'listen'} />
      <span>{playing ? t('easy.stop') : t('easy.listen')}</span>
      <span class="visually-hidden"> {what}</span>
    </button>
  );
}

/** The language a text of the agenda reaches this person in: theirs, or the session's first where it lacks a translation. */
export function textLanguage(view: SessionView, step: ViewStep, path: string): string {
  const first = view.languages[0] ?? 'en';
  return step.untranslated.includes(path) ? first : (view.contentLanguage ?? first);
}

/** The listen control of one text of the current step. */
export function ListenToStep({ view, step, path, text, what }: { view: SessionView; step: ViewStep; path: string; text: string; what: string }) {
  return <Listen text={text} language={textLanguage(view, step, path)} audio={step.audio?.[path]} what={what} />;
}
