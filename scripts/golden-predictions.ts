/**
 * Golden predictions of every model artifact in the repository (the layer's shipped versions and
 * the evaluation-only ones), over a fixed, varied set of texts: short and long reviews, expense
 * notes, other languages, emoticons, idioms, blank and punctuation-only input. Stored in
 * `test/fixtures/models/golden-predictions.json`; `test/unit/models/golden-predictions.test.ts`
 * checks that the current inference code reproduces every label and score, so a change made for
 * speed (tokeniser, features, weights layout, loading) provably changes no prediction.
 *
 *   npx tsx scripts/golden-predictions.ts --write   (re-record: only after a deliberate model change)
 *
 * Every text comes from CC0 files of this repository or is written here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listVersions, loadModel, TASKS, type Model, type Prediction, type Task } from '#src/models/ml';

export const REPO_ROOT = resolve(__dirname, '..');
export const GOLDEN_PATH = join(REPO_ROOT, 'test', 'fixtures', 'models', 'golden-predictions.json');
/** Where the artifacts are: the deployable layer and the evaluation-only folder. */
export const MODEL_DIRS = [
  join(REPO_ROOT, 'layers', 'models', 'nodejs', 'models'),
  join(REPO_ROOT, 'models-eval'),
] as const;
/** Scores are stored rounded to this many decimals. */
export const DECIMALS = 6;

/** Hand-written edge cases: nothing, punctuation, other scripts, emoticons, idioms, odd spacing. */
const EDGE_CASES: readonly string[] = [
  '',
  ' ',
  '\n\n\t',
  '.',
  '!!!',
  '?!?!',
  '...',
  '12/03/2026 £1,250.00',
  '£',
  'ok',
  'Great',
  'not great',
  'Not bad at all.',
  'not too bad',
  "Can't fault them!",
  "Couldn't have asked for anything more.",
  'We cannot recommend them highly enough!',
  'It could have been better.',
  'Nothing was too much trouble for the team.',
  "Wouldn't hesitate to book again.",
  'No complaints. No problems. No regrets.',
  'The food was great but the band was late.',
  'However, the band was late. Overall it was a lovely day.',
  'Still, we would book again. That said, the cake was dry.',
  'All in all a disaster. In the end we asked for a refund.',
  'Soooooo goooood!!! Loved it :) :-) <3',
  'Awful :( never again :-/',
  'Meh ;) =D =(',
  'The “best” day ever — truly ‘perfect’ service… thank you',
  'Fantastic photos `really` ´lovely´ people',
  'ＦＵＬＬＷＩＤＴＨ ｌｅｔｔｅｒｓ are great',
  'Café crème brûlée was délicieux',
  'Le photographe était merveilleux, je recommande vivement.',
  'Der Service war schrecklich und das Essen kalt.',
  'El lugar era precioso y el personal muy amable.',
  'Il servizio è stato pessimo.',
  '婚礼摄影师非常好，照片很漂亮。',
  'خدمة رائعة جدا',
  'Свадьба была прекрасной!',
  '🎉🎉🎉 amazing day 💍❤️',
  'e.g. the venue i.e. the barn was 5.5 out of 10. Mr. Smith was late.',
  'First line\nSecond line\n\nThird line after a blank one',
  'word '.repeat(300).trim(),
  'The DJ was rude. '.repeat(40).trim(),
  "don't didn't doesn't isn't wasn't weren't aren't can't couldn't wouldn't shouldn't won't ain't",
  "it's the couple's day and the photographers' job",
  'www.example.com call 07700 900123 or mail hello@example.co.uk',
  'DJ',
  'DJ balance',
  'florist dep',
  'flwrs',
  'venue venue venue venue',
  'Paid £300 cash 14/02',
  'misc',
  'transport - vintage bus - 2nd instalment',
  'ring',
  'Wedding dress alterations (final fitting) $450.50',
];

function readTsvColumn(path: string, column: string): string[] {
  const [header, ...rows] = readFileSync(path, 'utf8').split('\n');
  const at = header.split('\t').indexOf(column);
  if (at < 0) throw new Error(`${path}: no column ${column}`);
  return rows.filter((row) => row.includes('\t')).map((row) => row.split('\t')[at]);
}

/** The texts the fixture holds, in a fixed order without duplicates. */
export function goldenTexts(): string[] {
  const texts = [
    ...EDGE_CASES,
    ...readTsvColumn(join(REPO_ROOT, 'test', 'fixtures', 'models', 'reviews-heldout.tsv'), 'text'),
    ...readTsvColumn(join(REPO_ROOT, 'data', 'sentiment', 'reference', 'wedding-reviews.tsv'), 'text'),
    ...readTsvColumn(join(REPO_ROOT, 'test', 'fixtures', 'models', 'expense-notes-heldout.tsv'), 'text'),
    ...readTsvColumn(join(REPO_ROOT, 'data', 'expenses', 'handwritten-heldout.tsv'), 'text'),
  ];
  // A long multi-sentence review: every held-out polar review in one text.
  const polar = readTsvColumn(join(REPO_ROOT, 'test', 'fixtures', 'models', 'reviews-heldout.tsv'), 'text');
  texts.push(polar.slice(0, 20).join(' '), polar.slice(20, 40).join('\n'));
  return [...new Set(texts)];
}

export interface GoldenCandidate {
  readonly label: string;
  readonly confidence: number;
}

/** One model's answer for one text, scores rounded to {@link DECIMALS}. */
export interface GoldenPrediction {
  readonly label: string;
  readonly confidence: number;
  readonly logits: readonly number[];
  readonly candidates?: readonly GoldenCandidate[];
  readonly units?: readonly GoldenCandidate[];
}

export interface GoldenFile {
  readonly decimals: number;
  readonly texts: readonly string[];
  /** By `<task>@<version>`: one prediction per text, in the order of `texts`. */
  readonly models: Readonly<Record<string, readonly GoldenPrediction[]>>;
}

const round = (x: number): number => Number(x.toFixed(DECIMALS));
const candidate = (c: { label: string; confidence: number }): GoldenCandidate => ({
  label: c.label,
  confidence: round(c.confidence),
});

export function goldenPrediction(p: Prediction, logits: readonly number[]): GoldenPrediction {
  return {
    label: p.label,
    confidence: round(p.confidence),
    logits: logits.map(round),
    ...(p.candidates ? { candidates: p.candidates.map(candidate) } : {}),
    ...(p.units ? { units: p.units.map(candidate) } : {}),
  };
}

/** Every artifact present in {@link MODEL_DIRS}, loaded. */
export function allModels(): Model[] {
  return MODEL_DIRS.flatMap((dir) =>
    (TASKS as readonly Task[]).flatMap((task) =>
      listVersions(task, dir).map((version) => loadModel(task, dir, { version })),
    ),
  );
}

export function record(models: readonly Model[], texts: readonly string[]): GoldenFile {
  const out: Record<string, GoldenPrediction[]> = {};
  for (const model of models) {
    const predictions = model.predict(texts);
    out[model.modelVersion] = predictions.map((p, i) => goldenPrediction(p, model.logits(texts[i])));
  }
  return { decimals: DECIMALS, texts, models: out };
}

/** One line per text and per prediction: readable diffs when a prediction changes. */
export function serialise(file: GoldenFile): string {
  const lines = (items: readonly unknown[], indent: string): string =>
    items.map((item) => `${indent}${JSON.stringify(item)}`).join(',\n');
  const models = Object.entries(file.models)
    .map(([name, predictions]) => `    ${JSON.stringify(name)}: [\n${lines(predictions, '      ')}\n    ]`)
    .join(',\n');
  return `{\n  "decimals": ${file.decimals},\n  "texts": [\n${lines(file.texts, '    ')}\n  ],\n  "models": {\n${models}\n  }\n}\n`;
}

if (require.main === module) {
  if (!process.argv.includes('--write')) {
    console.error('usage: npx tsx scripts/golden-predictions.ts --write');
    process.exit(2);
  }
  const file = record(allModels(), goldenTexts());
  writeFileSync(GOLDEN_PATH, serialise(file));
  console.log(`wrote ${GOLDEN_PATH}: ${file.texts.length} texts x ${Object.keys(file.models).join(', ')}`);
}
