import type { EventReport } from './studies';
import type { Measure, Summary } from './results';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (n: number | null | undefined, digits = 2) => (n === null || n === undefined ? '–' : n.toFixed(digits));
const mean = (s: Summary | null) => (s ? `${num(s.mean)} (n=${s.n})` : '–');

function measureRows(m: Measure): string {
  const did = m.did;
  const interval = did && did.low !== null ? `[${num(did.low)}, ${num(did.high)}]` : '–';
  return (['deliberation', 'control'] as const)
    .map(
      (arm, i) =>
        `<tr>${i === 0 ? `<th scope="row" rowspan="2">${escape(m.label)}</th>` : ''}<td>${arm}</td><td>${mean(m.arms[arm].T1)}</td><td>${mean(m.arms[arm].T2)}</td><td>${num(m.arms[arm].change)}</td>${
          i === 0 ? `<td rowspan="2">${num(did?.estimate)}</td><td rowspan="2">${interval}</td>` : ''
        }</tr>`,
    )
    .join('');
}

/** The event's report as one self-contained HTML page: tables only, no script, no outside resource. */
export function reportHtml(report: EventReport): string {
  const questions = report.results.questions
    .map((q) => {
      const body =
        q.measures.length === 0
          ? `<p>Open question: ${q.respondents.deliberation.T1 + q.respondents.control.T1} answers at T1, ${q.respondents.deliberation.T2 + q.respondents.control.T2} at T2.</p>`
          : `<table><caption>${escape(q.text)}</caption><thead><tr><th scope="col">Measure</th><th scope="col">Arm</th><th scope="col">T1</th><th scope="col">T2</th><th scope="col">Change</th><th scope="col">Difference in differences</th><th scope="col">95% interval</th></tr></thead><tbody>${q.measures.map(measureRows).join('')}</tbody></table>`;
      return `<section><h2>${escape(q.text)} <small>(${escape(q.id)}, ${q.type})</small></h2>${body}</section>`;
    })
    .join('\n');
  const rep = report.results.representativeness;
  const representativeness = Object.entries(rep.attributes)
    .map(
      ([attribute, a]) =>
        `<table><caption>${escape(attribute)} (largest gap ${num(a.largestGap * 100, 1)} points)</caption><thead><tr><th scope="col">Value</th><th scope="col">Pool</th><th scope="col">T1 respondents</th></tr></thead><tbody>${a.values
          .map((v) => `<tr><th scope="row">${escape(v.value || '(none)')}</th><td>${v.pool.count} (${num(v.pool.share * 100, 1)}%)</td><td>${v.respondents.count} (${num(v.respondents.share * 100, 1)}%)</td></tr>`)
          .join('')}</tbody></table>`,
    )
    .join('\n');
  const sample = report.sample
    ? `<p>Sample: seed ${report.sample.seed}, strata ${escape(report.sample.strata.join(' × ') || 'none')}, control share ${report.sample.controlShare}; ${report.sample.deliberation} deliberators, ${report.sample.control} in control.</p>`
    : '<p>No sample has been drawn.</p>';
  return `<!doctype html>
<html lang="${escape(report.languages[0] ?? 'en')}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(report.title)}: report</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}table{border-collapse:collapse;margin:0 0 1.5rem;width:100%}caption{text-align:left;font-weight:600;padding:.25rem 0}th,td{border:1px solid #888;padding:.3rem .5rem;text-align:left}small{font-weight:400;color:#444}</style>
</head><body>
<h1>${escape(report.title)}</h1>
<p>Sessions: ${report.sessions.map(escape).join(', ') || 'none'}. Questionnaire version ${report.questionnaireVersion}.</p>
${sample}
<p><strong>Method.</strong> ${escape(report.results.method)}</p>
${questions}
<h2>Representativeness of T1 respondents</h2>
<p>${rep.respondents} of ${rep.pool} people in the pool answered at T1.</p>
${representativeness}
</body></html>
`;
}
