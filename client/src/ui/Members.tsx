import type { GroupMemberView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import { roleLabel } from './names';

/** A group's people: who facilitates, who takes notes, who is here now. */
export function Members({ members, me, showAttributes = false }: { members: GroupMemberView[]; me?: string; showAttributes?: boolean }) {
  const t = useT();
  return (
    <ul class="members">
      {members.map((m) => (
        <li key={m.id} class="member" data-member={m.id}>
          <span class="member-name">{m.name}</span>
          {m.id === me && <span class="pill pill-you">{t('members.you')}</span>}
          {m.role !== 'participant' && <span class={`pill pill-role pill-${m.role}`}>{roleLabel(t, m.role)}</span>}
          <span class={m.present ? 'presence present' : 'presence away'}>{m.present ? t('members.present') : t('members.away')}</span>
          {showAttributes && m.attributes && Object.keys(m.attributes).length > 0 && (
            <span class="attributes">
              {Object.entries(m.attributes)
                .filter(([, value]) => value !== '')
                .map(([key, value]) => t('members.attribute', { key, value }))
                .join(' · ')}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
