import type { GroupMemberView } from '../../../shared/session';
import { languageName, useTranslation } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { VoiceOnlyMark, VoiceOnlySwitch } from '../easy/VoiceOnly';
import { Icon } from './icons';
import { roleLabel } from './names';

/**
 * A group's people: who facilitates, who takes notes, who is here now, which languages each
 * speaks, and (given the group's language) who does not speak it and sits there by the language rule.
 */
/** `markVoiceOnly`: the client of someone who may mark these people as taking part by voice only. */
export function Members({
  members,
  me,
  showAttributes = false,
  groupLanguage,
  markVoiceOnly,
}: {
  members: GroupMemberView[];
  me?: string;
  showAttributes?: boolean;
  groupLanguage?: string;
  markVoiceOnly?: SessionClient;
}) {
  const { t, language } = useTranslation();
  const names = (codes: string[]) => codes.map((code) => languageName(code, language)).join(', ');
  return (
    <ul class="members">
      {members.map((m) => (
        <li key={m.id} class="member" data-member={m.id}>
          <bdi class="member-name">{m.name}</bdi>
          {m.id === me && <span class="pill pill-you">{t('members.you')}</span>}
          {m.role !== 'participant' && <span class={`pill pill-role pill-${m.role}`}>{roleLabel(t, m.role)}</span>}
          <span class={m.present ? 'presence present' : 'presence away'}>
            <Icon name={m.present ? 'check' : 'close'} />
            {m.present ? t('members.present') : t('members.away')}
          </span>
          {m.voiceOnly && <VoiceOnlyMark />}
          {m.languages && m.languages.length > 0 && (
            <span class="member-languages" data-testid="member-languages">
              {t('grouping.speaks', { languages: names(m.languages) })}
            </span>
          )}
          {groupLanguage && m.languages && m.languages.length > 0 && !m.languages.includes(groupLanguage) && (
            <span class="pill pill-alert" data-testid="outside-language">
              {t('grouping.outsideGroupLanguage', { language: languageName(groupLanguage, language) })}
            </span>
          )}
          {showAttributes && m.attributes && Object.keys(m.attributes).length > 0 && (
            <span class="attributes">
              {Object.entries(m.attributes)
                .filter(([, value]) => value !== '')
                .map(([key, value]) => t('members.attribute', { key, value }))
                .join(' · ')}
            </span>
          )}
          {markVoiceOnly && m.id !== me && <VoiceOnlySwitch client={markVoiceOnly} member={m} />}
        </li>
      ))}
    </ul>
  );
}
