import type { Problem as ProblemKind } from '../live/session-client';
import { useT } from '../i18n/i18n';

/** A link that cannot open the session gets a page that says why and what to do, never a blank one. */
export function Problem({ problem }: { problem: ProblemKind }) {
  const t = useT();
  const texts = problem.kind === 'expired' ? 'exports.expired' : `problem.${problem.kind}`;
  return (
    <div class="narrow problem" data-testid="problem" data-problem={problem.kind}>
      <h1>{t(`${texts}.title`)}</h1>
      <p class="lead">{t(`${texts}.text`)}</p>
      {problem.kind === 'protocol' && (
        <button type="button" class="primary" onClick={() => window.location.reload()}>
          {t('problem.protocol.reload')}
        </button>
      )}
    </div>
  );
}
