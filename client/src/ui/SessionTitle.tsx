import { useT } from '../i18n/i18n';

/**
 * The session's title in the header, on one line cut with an ellipsis so the header stays small on
 * a phone. The whole title is the summary's text (read in full by screen readers, shown in full on
 * hover by `title`), and opening it shows the title wrapped, with who one is.
 */
export function SessionTitle({ title, who, whoId }: { title: string; who: string; whoId: string }) {
  const t = useT();
  return (
    <details class="session-title-details">
      {/* Who one is describes the title: heard with it also where the header has no room to show it. */}
      <summary class="session-title" title={title} data-testid="session-title" aria-describedby={who ? whoId : undefined}>
        {title}
      </summary>
      <div class="session-details">
        <p class="session-details-title">{title}</p>
        {who && <p class="session-details-who">{who}</p>}
        <p class="session-details-brand">{t('app.name')}</p>
      </div>
    </details>
  );
}
