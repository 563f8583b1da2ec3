/** Plain-text tables of the evaluations for the console (`npm run eval` / `npm run train`). */
import type { DeceptionEvaluation } from './deception-train';
import type { ExpenseEvaluation } from './expense-train';
import type { HeldoutReport } from './heldout-reviews';
import type { SlicedSummary, SentimentEvaluation } from './sentiment-train';

const pct = (x: number): string => (x * 100).toFixed(1);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function slicedRow(name: string, setting: string, s: SlicedSummary): string[] {
  const cell = (m: { accuracy: number; macroF1: number } | undefined) =>
    m ? `${pct(m.accuracy)}/${pct(m.macroF1)}` : '-';
  const d = s.byDomain.slices;
  const l = s.byLength.slices;
  return [
    name,
    setting,
    pct(s.all.accuracy),
    pct(s.all.macroF1),
    cell(d['domain:amazon']),
    cell(d['domain:imdb']),
    cell(d['domain:yelp']),
    cell(l['len:01-07']),
    cell(l['len:08-15']),
    cell(l['len:16-30']),
    cell(l['len:31+']),
    `${pct(s.byDomain.largestGap.accuracy)} (${s.byDomain.largestGap.between.join(' vs ').replace(/domain:/g, '')})`,
    `${pct(s.byLength.largestGap.accuracy)} (${s.byLength.largestGap.between.join(' vs ').replace(/len:/g, '')})`,
  ];
}

export function formatSentiment(e: SentimentEvaluation): string {
  const header = [
    'model',
    'setting',
    'acc',
    'macroF1',
    'amazon',
    'imdb',
    'yelp',
    'len1-7',
    'len8-15',
    'len16-30',
    'len31+',
    'gap domain',
    'gap length',
  ];
  const rows: string[][] = [];
  for (const [name, s] of Object.entries(e.baselines))
    rows.push(slicedRow(name, 'lexicon, no training', s as SlicedSummary));
  rows.push(slicedRow('naive Bayes uni+bi', 'LODO', e.naiveBayesReference));
  rows.push(slicedRow(`ours: ${e.chosen}`, 'LODO (out-of-domain)', e.chosenModel.leaveOneDomainOut));
  rows.push(slicedRow(`ours: ${e.chosen}`, 'in-domain 10-fold CV', e.chosenModel.inDomainCv10));
  const cand = table(
    ['candidate (LODO)', 'amazon', 'imdb', 'yelp', 'mean acc', 'mean macroF1'],
    e.candidates.map((c) => [
      `${c.name === e.chosen ? '* ' : '  '}${c.name}`,
      pct(c.lodoByDomain['domain:amazon'].accuracy),
      pct(c.lodoByDomain['domain:imdb'].accuracy),
      pct(c.lodoByDomain['domain:yelp'].accuracy),
      pct(c.meanAccuracy),
      pct(c.meanMacroF1),
    ]),
  );
  const synth = table(
    ['synthetic 3-8 sentence reviews (900)', 'acc', 'macroF1'],
    [
      ...Object.entries(e.baselinesOnSyntheticReviews).map(([n, m]) => [n, pct(m.accuracy), pct(m.macroF1)]),
      ...Object.entries(e.chosenModel.syntheticReviews)
        .filter(([, m]) => typeof m === 'object')
        .map(([n, m]) => {
          const s = m as { accuracy: number; macroF1: number };
          return [`ours, ${n}`, pct(s.accuracy), pct(s.macroF1)];
        }),
    ],
  );
  const c = e.chosenModel.calibration;
  const h = e.heldoutReviews;
  const heldout = h
    ? (() => {
        const cols = [
          'set:polar',
          'set:short',
          'set:product',
          'length:short',
          'length:long',
          'domain:wedding',
          'domain:hotel',
          'domain:restaurant',
          'domain:clothing',
          'domain:home',
          'domain:electronics',
        ];
        const cellOf = (r: HeldoutReport, col: string) => {
          const slices = { ...r.bySet.slices, ...r.byLength.slices, ...r.byDomain.slices };
          const m = slices[col];
          return m ? `${pct(m.accuracy)}/${pct(m.macroF1)}` : '-';
        };
        const first = Object.values(h.models)[0];
        const counts = cols.map((col) => {
          const slices = { ...first.bySet.slices, ...first.byLength.slices, ...first.byDomain.slices };
          return `${col.split(':')[1]} (${slices[col]?.n ?? 0})`;
        });
        return [
          `HELD-OUT HAND-WRITTEN REVIEWS (${h.n}; never trained on or tuned on; cells acc/macro-F1 %)`,
          table(
            ['model', 'all', ...counts],
            Object.entries(h.models).map(([name, r]) => [
              name,
              `${pct(r.all.accuracy)}/${pct(r.all.macroF1)}`,
              ...cols.map((col) => cellOf(r, col)),
            ]),
          ),
          `ours (shipped) errors: ${h.models['ours (shipped)'].errors.map((x) => `"${x.text}" ${x.gold}->${x.predicted}`).join('; ') || 'none'}`,
          '',
        ].join('\n');
      })()
    : 'HELD-OUT REVIEWS: fixture missing, not evaluated\n';
  return [
    heldout,
    'SENTIMENT (UCI 3,000 sentences; cells acc/macro-F1 %; LODO = trained on the other two domains)',
    table(header, rows),
    '',
    cand,
    '',
    synth,
    '',
    `calibration: temperature ${c.temperature}, ECE on LODO ${c.eceLodoBefore} -> ${c.eceLodoAfter}; synthetic-review ECE sentence-mean ${e.chosenModel.syntheticReviews.eceSentenceMean}, sentence-sqrt ${e.chosenModel.syntheticReviews.eceSentenceSqrt}, document ${e.chosenModel.syntheticReviews.eceDocument}`,
    e.notMeasuredHere,
  ].join('\n');
}

export function formatExpense(e: ExpenseEvaluation): string {
  const h = e.heldout;
  const slice = (r: { slices: Record<string, { n: number; accuracy: number }> }) =>
    Object.entries(r.slices)
      .map(([k, v]) => `${k} ${pct(v.accuracy)} (n=${v.n})`)
      .join(', ');
  return [
    'EXPENSE CATEGORIES (18 classes)',
    table(
      ['set', 'n', 'acc', 'macroF1'],
      [
        ['hand-written held-out (threshold)', String(h.n), pct(h.accuracy), pct(h.macroF1)],
        [
          'hand-written held-out (no threshold)',
          String(h.withoutThreshold.n),
          pct(h.withoutThreshold.accuracy),
          pct(h.withoutThreshold.macroF1),
        ],
        [
          'independent hand-written held-out (threshold)',
          String(e.independentHeldout.n),
          pct(e.independentHeldout.accuracy),
          pct(e.independentHeldout.macroF1),
        ],
        [
          'validation: hand-written train notes',
          String(e.validation.n),
          pct(e.validation.accuracy),
          pct(e.validation.macroF1),
        ],
        [
          'in-domain 3-fold CV, generated',
          String(e.inDomainCv3Generated.n),
          pct(e.inDomainCv3Generated.accuracy),
          pct(e.inDomainCv3Generated.macroF1),
        ],
        ...e.ablations.map((a) => [
          `ablation (no threshold): ${a.name}`,
          String(a.heldout.n),
          pct(a.heldout.accuracy),
          `${pct(a.heldout.macroF1)} (independent: ${pct(a.independentHeldout.accuracy)})`,
        ]),
      ],
    ),
    `threshold ${e.validation.threshold} (temperature ${e.validation.temperature}); held-out abstentions ${h.abstentions}, accuracy when not abstaining ${pct(h.accuracyWhenNotAbstaining)}`,
    `held-out by length: ${slice(h.byLength)}; largest gap ${pct(h.byLength.largestGap.accuracy)}`,
    `held-out by amount: ${slice(h.byAmount)}; largest gap ${pct(h.byAmount.largestGap.accuracy)}`,
    `held-out notes identical to a training note (normalised): ${h.exactTextOverlapWithTraining}; on the other ${h.notInTraining.n}: acc ${pct(h.notInTraining.accuracy)}, macro-F1 ${pct(h.notInTraining.macroF1)}`,
    `independent held-out notes identical to a training note (normalised): ${e.independentHeldout.exactTextOverlapWithTraining}; on the other ${e.independentHeldout.notInTraining.n}: acc ${pct(e.independentHeldout.notInTraining.accuracy)}, macro-F1 ${pct(e.independentHeldout.notInTraining.macroF1)}`,
    `independent held-out errors: ${e.independentHeldout.errors.map((x) => `"${x.text}" ${x.gold}->${x.predicted}`).join('; ')}`,
    `held-out errors: ${h.errors.map((x) => `"${x.text}" ${x.gold}->${x.predicted}`).join('; ')}`,
  ].join('\n');
}

export function formatDeception(e: DeceptionEvaluation): string {
  const cv = e.crossValidation;
  return [
    'DECEPTION (op_spam, CC BY-NC-SA: evaluation only)',
    `${e.protocol} accuracy ${pct(cv.accuracy)}, macro-F1 ${pct(cv.macroF1)}; by length: ${Object.entries(
      e.byLength.slices,
    )
      .map(([k, v]) => `${k} ${pct(v.accuracy)} (n=${v.n})`)
      .join(', ')}; largest gap ${pct(e.byLength.largestGap.accuracy)}`,
    e.notMeasuredHere,
  ].join('\n');
}
