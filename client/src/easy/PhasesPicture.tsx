import { useT } from '../i18n/i18n';

/** One circle of people: a large ring (everyone) or a small table of five. */
function People({ cx, cy, r, n, fill }: { cx: number; cy: number; r: number; n: number; fill: string }) {
  return (
    <>
      {Array.from({ length: n }, (_, i) => {
        const a = (2 * Math.PI * i) / n - Math.PI / 2;
        return <circle key={i} cx={cx + r * Math.cos(a)} cy={cy + r * Math.sin(a)} r={4} fill={fill} />;
      })}
    </>
  );
}

/**
 * The session in three pictures: everyone together, then small tables, then everyone together
 * again. Its words are the picture's name, so a screen reader hears the same story.
 */
export function PhasesPicture() {
  const t = useT();
  const label = t('easy.phasesPicture');
  return (
    <figure class="phases">
      <svg viewBox="0 0 320 110" role="img" aria-label={label} class="phases-picture">
        <People cx={50} cy={45} r={30} n={12} fill="#1d4ed8" />
        <path d="M96 45h22m-6-6 6 6-6 6" stroke="#4a5563" stroke-width="2.5" fill="none" stroke-linecap="round" stroke-linejoin="round" />
        <People cx={145} cy={25} r={13} n={5} fill="#0f6b3d" />
        <People cx={180} cy={45} r={13} n={5} fill="#0f6b3d" />
        <People cx={145} cy={65} r={13} n={5} fill="#0f6b3d" />
        <path d="M204 45h22m-6-6 6 6-6 6" stroke="#4a5563" stroke-width="2.5" fill="none" stroke-linecap="round" stroke-linejoin="round" />
        <People cx={270} cy={45} r={30} n={12} fill="#1d4ed8" />
      </svg>
      <figcaption class="phases-steps" aria-hidden="true">
        <span>{t('easy.phaseTogether')}</span>
        <span>{t('easy.phaseTables')}</span>
        <span>{t('easy.phaseAgain')}</span>
      </figcaption>
    </figure>
  );
}
