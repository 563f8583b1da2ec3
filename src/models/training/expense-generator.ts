/**
 * Deterministic generator of labelled wedding expense notes from the per-category vocabulary in
 * `data/expenses/vocabulary.json`: supplier roles, items, vendor-name templates and personal items,
 * combined with shared payment words, amounts in several currencies/formats, abbreviations,
 * casing variants and occasional typos. Same seed, same vocabulary -> same rows.
 */
import { readFileSync } from 'node:fs';
import type { LabelledText } from './datasets';
import { createRng, pick, type Rng } from './rng';

export interface CategoryVocabulary {
  readonly roles: readonly string[];
  readonly items: readonly string[];
  readonly vendors: readonly string[];
  readonly personal?: readonly string[];
}

export interface Vocabulary {
  readonly shared: {
    readonly payments: readonly string[];
    readonly abbreviations: Readonly<Record<string, readonly string[]>>;
    readonly surnames: readonly string[];
    readonly firstNames: readonly string[];
    readonly places: readonly string[];
    readonly adjectives: readonly string[];
    readonly possessors: readonly string[];
    readonly owners: readonly string[];
    readonly fillers: readonly string[];
    /** Place/occasion phrases shared by all categories ("at the venue", "from the station"). */
    readonly contexts: readonly string[];
  };
  readonly categories: Readonly<Record<string, CategoryVocabulary>>;
}

export function readVocabulary(path: string): Vocabulary {
  const v = JSON.parse(readFileSync(path, 'utf8')) as Vocabulary;
  for (const [name, c] of Object.entries(v.categories)) {
    if (!c.roles?.length || !c.items?.length || !c.vendors?.length)
      throw new Error(`vocabulary: ${name} is incomplete`);
  }
  return v;
}

function vendorName(template: string, v: Vocabulary, rng: Rng): string {
  return template
    .replace(/\{place\}/g, () => pick(v.shared.places, rng))
    .replace(/\{surname\}/g, () => pick(v.shared.surnames, rng))
    .replace(/\{first\}/g, () => pick(v.shared.firstNames, rng))
    .replace(/\{adjective\}/g, () => pick(v.shared.adjectives, rng));
}

function amount(rng: Rng): string {
  const value = Math.round(Math.exp(Math.log(15) + rng() * (Math.log(9000) - Math.log(15))));
  const r = rng();
  let num =
    value >= 1000 && rng() < 0.6 ? String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(value);
  if (r < 0.1) num = `${num}.00`;
  else if (r < 0.15 && value >= 1000) num = `${(value / 1000).toFixed(1)}k`;
  const c = rng();
  if (c < 0.45) return `£${num}`;
  if (c < 0.7) return `$${num}`;
  if (c < 0.8) return `€${num}`;
  if (c < 0.88) return `${num} GBP`;
  if (c < 0.93) return `${num} USD`;
  return num;
}

function payment(v: Vocabulary, rng: Rng): string {
  let p = pick(v.shared.payments, rng);
  if (rng() < 0.3) {
    for (const [word, forms] of Object.entries(v.shared.abbreviations)) {
      if (p.includes(word)) p = p.replace(word, pick(forms, rng));
    }
  }
  return p;
}

/** One random keyboard-style typo (drop, double, swap or replace a letter) in one longer word. */
function typo(text: string, rng: Rng): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => (/^[A-Za-z]{5,}$/.test(w) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return text;
  const wi = pick(candidates, rng);
  const w = words[wi];
  const at = 1 + Math.floor(rng() * (w.length - 2));
  const op = rng();
  let out: string;
  if (op < 0.3) out = w.slice(0, at) + w.slice(at + 1);
  else if (op < 0.5) out = w.slice(0, at) + w[at] + w.slice(at);
  else if (op < 0.8) out = w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2);
  else out = w.slice(0, at) + pick([...'aeiourstnl'], rng) + w.slice(at + 1);
  words[wi] = out;
  return words.join(' ');
}

function casing(text: string, rng: Rng): string {
  const r = rng();
  if (r < 0.2) return text.toLowerCase();
  if (r < 0.25) return text.toUpperCase();
  if (r < 0.6) return text.charAt(0).toUpperCase() + text.slice(1);
  return text;
}

type Template = (c: CategoryVocabulary, v: Vocabulary, rng: Rng) => string;

const TEMPLATES: readonly Template[] = [
  (c, v, r) => `${payment(v, r)} for the ${pick(c.roles, r).replace(/^the /, '')}`,
  (c, v, r) => `${pick(c.roles, r)} ${payment(v, r)}`,
  (c, v, r) => `${payment(v, r)} - ${vendorName(pick(c.vendors, r), v, r)}`,
  (c, v, r) => `${vendorName(pick(c.vendors, r), v, r)} - ${payment(v, r)}`,
  (c, v, r) => `${vendorName(pick(c.vendors, r), v, r)} ${pick(c.items, r)}`,
  (c, _v, r) => pick(c.items, r),
  (c, _v, r) => pick(c.items, r),
  (c, v, r) =>
    `${amount(r)} ${payment(v, r)} ${r() < 0.5 ? vendorName(pick(c.vendors, r), v, r) : pick(c.roles, r)}`,
  (c, v, r) =>
    c.personal && r() < 0.8
      ? `${pick(v.shared.possessors, r)}'s ${pick(c.personal, r)}`
      : `${pick(c.items, r)} ${pick(v.shared.owners, r)}`,
  (c, v, r) => `${pick(c.items, r)} (${vendorName(pick(c.vendors, r), v, r)})`,
  (c, v, r) => vendorName(pick(c.vendors, r), v, r),
  (c, _v, r) => `${pick(c.items, r)} x${2 + Math.floor(r() * 10)}`,
  (c, v, r) => `paid ${r() < 0.5 ? vendorName(pick(c.vendors, r), v, r) : pick(c.roles, r)} ${amount(r)}`,
  (c, v, r) => `${pick(c.items, r)} from ${vendorName(pick(c.vendors, r), v, r)}`,
  (c, _v, r) => `${amount(r)} - ${pick(c.items, r)}`,
  (c, v, r) => `inv ${100 + Math.floor(r() * 9000)} ${vendorName(pick(c.vendors, r), v, r)}`,
  (c, v, r) => `${pick(c.items, r)} ${payment(v, r)}`,
  (c, v, r) => `${pick(c.items, r)} ${pick(v.shared.owners, r)}`,
  (c, v, r) => `${pick(v.shared.fillers, r)} ${pick(c.items, r)}`,
  (c, _v, r) => `${pick(c.items, r)} - ${amount(r)}`,
  (c, _v, r) => `${pick(c.roles, r)} - ${pick(c.items, r)}`,
  (c, v, r) => `${pick(c.items, r)} ${pick(v.shared.contexts, r)}`,
  (c, v, r) =>
    `${payment(v, r)} for the ${pick(c.roles, r).replace(/^the /, '')} ${pick(v.shared.contexts, r)}`,
];

export interface GeneratorOptions {
  readonly seed: number;
  readonly perCategory: number;
  /** Probability of one typo in a note. */
  readonly typoRate: number;
}

/** Generated notes, grouped by category in sorted category order; exact duplicates dropped. */
export function generateExpenses(v: Vocabulary, opts: GeneratorOptions): LabelledText[] {
  const rng = createRng(opts.seed);
  const out: LabelledText[] = [];
  for (const category of Object.keys(v.categories).sort()) {
    const c = v.categories[category];
    const seen = new Set<string>();
    for (let attempt = 0; seen.size < opts.perCategory && attempt < opts.perCategory * 5; attempt++) {
      let text = pick(TEMPLATES, rng)(c, v, rng).replace(/\s+/g, ' ').trim();
      if (rng() < opts.typoRate) text = typo(text, rng);
      text = casing(text, rng);
      if (seen.has(text)) continue;
      seen.add(text);
      out.push({ text, label: category, source: 'generated' });
    }
  }
  return out;
}
