import { useId, useState } from 'preact/hooks';
import type { GroupPreviewView, GroupingNoticeView, SessionView } from '../../../shared/session';
import type { TFunction } from 'i18next';
import { languageName, useTranslation } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useCommand } from '../ui/command';
import { ErrorText } from '../ui/ErrorText';
import { Members } from '../ui/Members';
import { groupLabel } from '../ui/names';
import { MoveForm } from './MoveForm';

/** A fresh seed for a reshuffle: the seed is recorded, so any arrangement can be reproduced. */
function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/**
 * The groups the next breakout will open with, formed ahead for review: scores, members with their
 * attributes, moves by hand, reshuffles with a new seed, and a lock so the reviewed arrangement is used.
 */
export function GroupPreview({ client, view, canDrive }: { client: SessionClient; view: SessionView; canDrive: boolean }) {
  const { t, language } = useTranslation();
  const ids = { heading: useId(), step: useId(), notices: useId() };
  const upcoming = view.agenda.map((step, index) => ({ step, index })).filter(({ step, index }) => step.kind === 'breakout' && index > view.stepIndex);
  const preview = view.preview ?? null;
  const [chosen, setChosen] = useState<number | null>(null);
  const { run, error, busy } = useCommand(client);
  if (upcoming.length === 0 || view.status === 'ended') return null;
  const stepIndex = chosen ?? preview?.stepIndex ?? upcoming[0]!.index;
  const shown = preview && preview.stepIndex === stepIndex ? preview : null;

  return (
    <section class="card group-preview" aria-labelledby={ids.heading} data-testid="group-preview">
      <h2 id={ids.heading}>{t('preview.heading')}</h2>
      <p class="muted">{t('preview.present', { count: view.presence.connected, total: view.presence.roster })}</p>
      {canDrive && (
        <div class="controls">
          <div class="field">
            <label for={ids.step}>{t('preview.stepLabel')}</label>
            <select id={ids.step} value={String(stepIndex)} onChange={(e) => setChosen(Number((e.currentTarget as HTMLSelectElement).value))}>
              {upcoming.map(({ step, index }) => (
                <option key={index} value={String(index)}>
                  {t('preview.stepOption', { n: index, title: step.title })}
                </option>
              ))}
            </select>
          </div>
          <div class="button-row">
            {!shown ? (
              <button type="button" class="primary" disabled={busy || preview?.locked} onClick={() => void run('groups:preview', { step: stepIndex })}>
                {t('preview.form')}
              </button>
            ) : (
              <>
                <button
                  type="button"
                  class="secondary"
                  disabled={busy || shown.locked}
                  onClick={() => void run('groups:preview', { step: stepIndex, seed: randomSeed() })}
                >
                  {t('preview.reshuffle')}
                </button>
                <button type="button" class={shown.locked ? 'secondary' : 'primary'} aria-pressed={shown.locked} disabled={busy} onClick={() => void run('groups:lock', { locked: !shown.locked })}>
                  {shown.locked ? t('preview.unlock') : t('preview.lock')}
                </button>
              </>
            )}
          </div>
          <ErrorText error={error} />
        </div>
      )}
      {shown && (
        <>
          <p class="score" data-testid="preview-score">
            {t('preview.score', { score: round(shown.score), bound: round(shown.upperBound) })}
          </p>
          <p class="muted">
            {t('preview.details', { seed: shown.seed, algorithm: shown.algorithm, same: shown.sameValuePairs, repeated: shown.repeatedPairs })}
          </p>
          <p class="muted" data-testid="preview-rule">
            {t('grouping.rule', { size: stepSize(view, shown.stepIndex), min: smallestOf(view, shown), count: smallestOf(view, shown) })}
          </p>
          {shown.notices && shown.notices.length > 0 && (
            <section aria-labelledby={ids.notices} data-testid="preview-notices">
              <h3 id={ids.notices}>{t('grouping.noticesHeading')}</h3>
              <ul>
                {shown.notices.map((notice, k) => (
                  <li key={k}>{noticeText(t, notice, shown, language)}</li>
                ))}
              </ul>
            </section>
          )}
          <p class={shown.locked ? 'pill pill-locked' : 'pill'} data-testid="preview-lock">
            {shown.locked ? t('preview.locked') : t('preview.unlocked')}
          </p>
          <div class="group-grid">
            {shown.groups.map((g) => (
              <article key={g.id} class="group-card" aria-labelledby={`preview-${g.id}`} data-testid="preview-group" data-group={g.id}>
                <h3 id={`preview-${g.id}`}>{groupLabel(t, g.id)}</h3>
                <p class="muted">{t('preview.groupFacts', { count: g.members.length, language: languageName(g.language, language), score: round(g.score) })}</p>
                <Members members={g.members} showAttributes groupLanguage={g.language} />
              </article>
            ))}
          </div>
          {canDrive && !shown.locked && <MoveForm client={client} groups={shown.groups} />}
        </>
      )}
    </section>
  );
}

function stepSize(view: SessionView, stepIndex: number): number {
  const step = view.agenda[stepIndex];
  return step?.kind === 'breakout' ? step.groupSize : 5;
}

/** The smallest group the preview allowed: the step's, or the engine's default of 3. */
function smallestOf(view: SessionView, preview: GroupPreviewView): number {
  return preview.minGroupSize ?? Math.min(3, stepSize(view, preview.stepIndex));
}

/** One rule the grouping applied, in words, with people and groups by name. */
function noticeText(t: TFunction, notice: GroupingNoticeView, preview: GroupPreviewView, language: string): string {
  const members = preview.groups.flatMap((g) => g.members);
  const name = (id: string) => members.find((m) => m.id === id)?.name ?? id;
  const groupOf = (id: string) => groupLabel(t, preview.groups.find((g) => g.members.some((m) => m.id === id))?.id ?? '');
  switch (notice.kind) {
    case 'interpreter':
      return t('grouping.interpreter', { name: name(notice.memberId), group: groupOf(notice.memberId), interpreter: name(notice.interpreterId), language: languageName(notice.language, language) });
    case 'ownLanguage':
      return t('grouping.ownLanguage', { name: name(notice.memberId), group: groupOf(notice.memberId), language: languageName(notice.language, language) });
    case 'noSharedLanguage':
      return t('grouping.noSharedLanguage', { name: name(notice.memberId), group: groupOf(notice.memberId) });
    case 'smallGroup':
      return t('grouping.smallGroup', { group: groupLabel(t, notice.groupId), count: notice.size, minimum: notice.minimum });
  }
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
