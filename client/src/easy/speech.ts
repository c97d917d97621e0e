import { useEffect, useState } from 'preact/hooks';

/**
 * Reading aloud: the browser's own voices (speechSynthesis), or an organizer's recording. One
 * thing is heard at a time, whichever control started it.
 */

const synthesis = (): SpeechSynthesis | null => (typeof speechSynthesis === 'undefined' ? null : speechSynthesis);

const base = (code: string) => code.toLowerCase().replace('_', '-').split('-')[0]!;

/** A voice of the browser that speaks `language` (or a variant of it: fr-CA for fr), if any. */
export function voiceFor(language: string): SpeechSynthesisVoice | null {
  const voices = synthesis()?.getVoices() ?? [];
  const wanted = language.toLowerCase();
  return voices.find((v) => v.lang.toLowerCase().replace('_', '-') === wanted) ?? voices.find((v) => base(v.lang) === base(language)) ?? null;
}

/** Whether the browser can read `language` aloud; browsers list their voices late, so this follows them. */
export function useVoiceFor(language: string): boolean {
  const [found, setFound] = useState(() => voiceFor(language) !== null);
  useEffect(() => {
    const speech = synthesis();
    setFound(voiceFor(language) !== null);
    if (!speech || typeof speech.addEventListener !== 'function') return;
    const update = () => setFound(voiceFor(language) !== null);
    speech.addEventListener('voiceschanged', update);
    return () => speech.removeEventListener('voiceschanged', update);
  }, [language]);
  return found;
}

let stopCurrent: (() => void) | null = null;

/** Stops whatever is being read aloud. */
export function stopListening(): void {
  const stop = stopCurrent;
  stopCurrent = null;
  stop?.();
}

/**
 * Reads `text` aloud in `language`: the recording at `audio` when there is one, else the browser's
 * voice. `onDone` is called once, when it ends, fails or is stopped.
 */
export function listen(item: { text: string; language: string; audio?: string | undefined }, onDone: () => void): void {
  stopListening();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    if (stopCurrent === stop) stopCurrent = null;
    onDone();
  };
  let stop: () => void;
  if (item.audio) {
    const player = new Audio(item.audio);
    player.addEventListener('ended', finish);
    player.addEventListener('error', finish);
    stop = () => {
      player.pause();
      finish();
    };
    stopCurrent = stop;
    player.play().catch(finish);
    return;
  }
  const speech = synthesis();
  if (!speech) return finish();
  const utterance = new SpeechSynthesisUtterance(item.text);
  utterance.lang = item.language;
  const voice = voiceFor(item.language);
  if (voice) utterance.voice = voice;
  // Slower than the default: the listener may know the language less well than the voice does.
  utterance.rate = 0.9;
  utterance.onend = finish;
  utterance.onerror = finish;
  stop = () => {
    speech.cancel();
    finish();
  };
  stopCurrent = stop;
  speech.speak(utterance);
}
