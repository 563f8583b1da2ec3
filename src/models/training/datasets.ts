/** Readers for the training data copied into `data/` (see each folder's README). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wordCount } from '../ml/tokenize';

export interface LabelledText {
  readonly text: string;
  readonly label: string;
  /** Where the row comes from (UCI domain, generator, hand-written, MCC ...). */
  readonly source: string;
  /** Training weight (default 1). */
  readonly weight?: number;
}

export const UCI_DOMAINS = ['amazon', 'imdb', 'yelp'] as const;
const UCI_FILES: Record<(typeof UCI_DOMAINS)[number], string> = {
  amazon: 'amazon_cells_labelled.txt',
  imdb: 'imdb_labelled.txt',
  yelp: 'yelp_labelled.txt',
};

/** UCI sentences; each line is `sentence<TAB>label`, split on the LAST tab (see the data README). */
export function readUci(dataDir: string): LabelledText[] {
  const out: LabelledText[] = [];
  for (const domain of UCI_DOMAINS) {
    const lines = readFileSync(join(dataDir, 'sentiment', 'uci', UCI_FILES[domain]), 'utf8').split('\n');
    for (const line of lines) {
      if (!line.trim()) continue;
      const tab = line.lastIndexOf('\t');
      const label = line.slice(tab + 1).trim();
      if (tab < 0 || (label !== '0' && label !== '1')) throw new Error(`bad UCI line: ${line}`);
      out.push({
        text: line.slice(0, tab).trim(),
        label: label === '1' ? 'positive' : 'negative',
        source: domain,
      });
    }
  }
  return out;
}

/** A `text<TAB>label` file with a header line. */
export function readTsv(path: string, source: string): LabelledText[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: LabelledText[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim() || line.startsWith('#')) continue;
    const tab = line.lastIndexOf('\t');
    if (tab < 0) throw new Error(`${path}: no tab in line: ${line}`);
    out.push({ text: line.slice(0, tab).trim(), label: line.slice(tab + 1).trim(), source });
  }
  return out;
}

/** Length slice used in every report: word counts 1-7, 8-15, 16-30, 31+. */
export function lengthBucket(text: string): string {
  const n = wordCount(text);
  if (n <= 7) return 'len:01-07';
  if (n <= 15) return 'len:08-15';
  if (n <= 30) return 'len:16-30';
  return 'len:31+';
}
