import type { GroupMemberView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useCommand } from '../ui/command';
import { ErrorText } from '../ui/ErrorText';
import { Icon } from '../ui/icons';

/** Says that someone takes part by voice only, so the table reads and writes for them. */
export function VoiceOnlyMark() {
  const t = useT();
  return (
    <span class="pill pill-voice" data-testid="voice-only">
      <Icon name="voice" />
      {t('easy.voiceOnly')}
    </span>
  );
}

/** A facilitator's (or moderator's) switch: this person takes part by voice only, or no longer. */
export function VoiceOnlySwitch({ client, member }: { client: SessionClient; member: GroupMemberView }) {
  const t = useT();
  const { run, error, busy } = useCommand(client);
  const on = member.voiceOnly === true;
  return (
    <>
      <button
        type="button"
        class="secondary small-text"
        aria-pressed={on}
        disabled={busy}
        onClick={() => void run('member:voice-only', { memberId: member.id, voiceOnly: !on })}
        data-testid="voice-only-switch"
      >
        <Icon name="voice" />
        {/* The visible words are short; a screen reader also hears whom the switch is for. */}
        <span class="visually-hidden">{member.name}: </span>
        {t('easy.voiceOnlySwitch')}
      </button>
      <ErrorText error={error} />
    </>
  );
}
