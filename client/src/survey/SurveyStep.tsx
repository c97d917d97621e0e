import type { SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { LiveState, SessionClient } from '../live/session-client';
import { Broadcasts } from '../ui/Broadcasts';
import { Countdown } from '../ui/Countdown';
import { currentStep } from '../ui/names';
import { LazySurveyForm } from './LazySurveyForm';

/** A survey step for someone who takes part: the questionnaire on their own device, with the step's clock. */
export function SurveyStep({ client, live, view }: { client: SessionClient; live: LiveState; view: SessionView }) {
  const t = useT();
  const step = currentStep(view);
  return (
    <>
      <h1 data-testid="screen-title" data-screen="survey">
        {t('survey.title', { title: step?.title ?? '' })}
      </h1>
      <Broadcasts client={client} broadcasts={live.broadcasts} />
      <div class="narrow">
        <Countdown client={client} view={view} offsetMs={live.offsetMs} warning={live.warning} />
        <LazySurveyForm key={view.stepIndex} token={client.token} />
      </div>
    </>
  );
}

/** The moderator's view of a running survey: how many have answered so far. */
export function SurveyRate({ view }: { view: SessionView }) {
  const t = useT();
  if (!view.survey) return null;
  return (
    <p class="survey-rate" data-testid="survey-rate" aria-live="polite">
      {t('survey.responseRate', { wave: view.survey.wave, responded: view.survey.responded, expected: view.survey.expected })}
    </p>
  );
}
