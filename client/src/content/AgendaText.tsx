import type { ViewStep } from '../../../shared/agenda';
import type { SessionView } from '../../../shared/session';
import { textDirection, useT } from '../i18n/i18n';

/**
 * One text of the agenda as the server chose it for this person. A text not yet given in their
 * language arrives in the session's first one: it says so, and carries that language's `lang` so a
 * screen reader pronounces it right, and its direction, so English reads left to right in an Arabic line.
 */
export function AgendaText({ view, step, path, text }: { view: SessionView; step: ViewStep; path: string; text: string }) {
  const t = useT();
  if (!step.untranslated.includes(path)) return <>{text}</>;
  return (
    <>
      <span lang={view.languages[0]} dir={textDirection(view.languages[0] ?? 'en')}>{text}</span>{' '}
      <span class="untranslated" data-testid="untranslated">
        {t('content.notTranslated')}
      </span>
    </>
  );
}
