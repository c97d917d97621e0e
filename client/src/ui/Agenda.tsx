import { useId } from 'preact/hooks';
import type { SessionView } from '../../../shared/session';
import { AgendaText } from '../content/AgendaText';
import { ListenToStep } from '../easy/Listen';
import { useT } from '../i18n/i18n';
import { Icon } from './icons';

/** The programme, the current step marked for sight and for assistive technology. */
export function Agenda({ view }: { view: SessionView }) {
  const t = useT();
  const headingId = useId();
  return (
    <section class="card agenda" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <Icon name="agenda" />
        {t('agenda.heading')}
      </h2>
      <ol class="agenda-list">
        {view.agenda.map((step, i) => {
          const current = i === view.stepIndex && view.status !== 'ended';
          const done = view.status === 'ended' || i < view.stepIndex;
          return (
            <li key={i} class={current ? 'agenda-step current' : done ? 'agenda-step done' : 'agenda-step'} aria-current={current ? 'step' : undefined}>
              <span class="agenda-title">
                <AgendaText view={view} step={step} path="title" text={step.title} />
              </span>
              <ListenToStep view={view} step={step} path="title" text={step.title} what={t('easy.whatStep', { n: i + 1 })} />
              <span class="agenda-meta">
                <Icon name={step.kind === 'plenary' ? 'everyone' : 'table'} />
                {t(`agenda.kind.${step.kind}`)} · {t('agenda.minutes', { count: step.minutes })}
              </span>
              {current && <span class="pill pill-now">{t('agenda.now')}</span>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
