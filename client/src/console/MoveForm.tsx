import { useId, useState } from 'preact/hooks';
import type { GroupView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useCommand } from '../ui/command';
import { ErrorText } from '../ui/ErrorText';
import { groupLabel } from '../ui/names';

const newGroup = '__new__';

/** Moves one person to another group (of the preview, or of the open rooms): pick the person, pick the group. */
export function MoveForm({ client, groups }: { client: SessionClient; groups: GroupView[] }) {
  const t = useT();
  const ids = { heading: useId(), person: useId(), target: useId() };
  const [person, setPerson] = useState('');
  const [target, setTarget] = useState('');
  const { run, error, busy } = useCommand(client);
  const from = groups.find((g) => g.members.some((m) => m.id === person));
  const targets = groups.filter((g) => g !== from);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!person || !target) return;
    if (await run('groups:move', { memberId: person, groupId: target === newGroup ? null : target })) {
      setPerson('');
      setTarget('');
    }
  };

  return (
    <form class="form move-form" onSubmit={submit} aria-labelledby={ids.heading}>
      <h3 id={ids.heading}>{t('move.heading')}</h3>
      <div class="field-row">
        <div class="field">
          <label for={ids.person}>{t('move.personLabel')}</label>
          <select id={ids.person} value={person} onChange={(e) => setPerson((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('move.choosePerson')}</option>
            {groups.map((g) => (
              <optgroup key={g.id} label={groupLabel(t, g.id)}>
                {g.members.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={ids.target}>{t('move.targetLabel')}</label>
          <select id={ids.target} value={target} onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('move.chooseGroup')}</option>
            {targets.map((g) => (
              <option key={g.id} value={g.id}>
                {t('move.groupOption', { group: groupLabel(t, g.id), count: g.members.length })}
              </option>
            ))}
            <option value={newGroup}>{t('move.newGroup')}</option>
          </select>
        </div>
      </div>
      <button type="submit" class="secondary" disabled={busy || !person || !target}>
        {t('move.submit')}
      </button>
      <ErrorText error={error} />
    </form>
  );
}
