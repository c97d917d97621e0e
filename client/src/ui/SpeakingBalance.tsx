import type { TFunction } from 'i18next';
import { useId } from 'preact/hooks';
import type { GroupView } from '../../../shared/session';
import { dominantVoice, speakingShares, type SpeakingBalance } from '../../../shared/speaking';
import { useT } from '../i18n/i18n';
import { groupLabel } from './names';

function duration(t: TFunction, seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? t('media.speaking.minutesSeconds', { minutes, seconds: Math.floor(seconds % 60) }) : t('media.speaking.seconds', { seconds: Math.floor(seconds) });
}

/** The facilitator's view of their table: one bar per member, how long each has spoken. */
export function TableBalance({ balance, group }: { balance: SpeakingBalance | null; group: GroupView }) {
  const t = useT();
  const id = useId();
  const figures = balance?.groups.find((g) => g.groupId === group.id);
  if (!figures) return null;
  const shares = speakingShares(figures.seconds);
  const top = dominantVoice(figures.seconds, balance!.shareLimit);
  return (
    <section class="card speaking-balance" aria-labelledby={id} data-testid="speaking-balance">
      <h2 id={id}>{t('media.speaking.heading')}</h2>
      <p class="hint">{t('media.speaking.hint')}</p>
      <ul class="speaking-bars">
        {group.members.map((m) => {
          const share = shares[m.id] ?? 0;
          return (
            <li key={m.id} data-testid="speaking-bar" data-member={m.id}>
              <span class="speaking-name">
                {t('media.speaking.memberLine', { name: m.name, time: duration(t, figures.seconds[m.id] ?? 0), percent: Math.round(share * 100) })}
              </span>
              <span class={top?.memberId === m.id ? 'speaking-bar over' : 'speaking-bar'} style={{ inlineSize: `${Math.round(share * 100)}%` }} aria-hidden="true" />
            </li>
          );
        })}
      </ul>
      {top && <p class="pill pill-alert">{t('media.speaking.dominant', { name: group.members.find((m) => m.id === top.memberId)?.name ?? '', percent: Math.round(top.share * 100) })}</p>}
    </section>
  );
}

/** The moderator's list of tables where one voice takes more than the set share of the talk. */
export function TablesOutOfBalance({ balance, groups }: { balance: SpeakingBalance | null; groups: GroupView[] }) {
  const t = useT();
  const id = useId();
  if (!balance) return null;
  const flagged = balance.groups
    .map((g) => ({ group: groups.find((v) => v.id === g.groupId), top: dominantVoice(g.seconds, balance.shareLimit) }))
    .filter((f): f is { group: GroupView; top: { memberId: string; share: number } } => !!f.group && !!f.top);
  return (
    <section class="card" aria-labelledby={id} data-testid="speaking-flags">
      <h2 id={id}>{t('media.speaking.consoleHeading')}</h2>
      {flagged.length === 0 ? (
        <p class="muted">{t('media.speaking.allBalanced', { percent: Math.round(balance.shareLimit * 100) })}</p>
      ) : (
        <ul>
          {flagged.map(({ group, top }) => (
            <li key={group.id} data-testid="speaking-flag" data-group={group.id}>
              {t('media.speaking.flag', {
                group: groupLabel(t, group.id),
                name: group.members.find((m) => m.id === top.memberId)?.name ?? '',
                percent: Math.round(top.share * 100),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
