/**
 * Alarms <-> runbook sections (issue 10). A runbook page documents an alarm in a section whose
 * heading is `Alarm: \`<alarm name pattern>\``, where `<...>` stands for a part that varies (the
 * region, a function, a platform), followed by a `**Severity:**` line. `runbookProblems` lists:
 * - an alarm whose description names no runbook page, or a page that does not exist;
 * - an alarm without a section matching its name in the page it names, or whose section does not
 *   state its severity;
 * - a section naming an alarm that does not exist (no alarm matching it names that page).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';

export interface DeployedAlarm {
  readonly name: string;
  readonly description: string;
}

export interface RunbookSection {
  readonly page: string;
  readonly pattern: string;
  readonly matcher: RegExp;
  /** The section's text up to the next alarm heading. */
  readonly body: string;
}

const HEADING = /^#+ Alarm: `([^`]+)`\s*$/;

/** Every metric and composite alarm of the templates, by name and description. */
export function alarmsOf(templates: Iterable<Template>): DeployedAlarm[] {
  const alarms: DeployedAlarm[] = [];
  for (const template of templates) {
    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm']) {
      for (const resource of Object.values(template.findResources(type))) {
        const props = (resource as { Properties: Record<string, unknown> }).Properties;
        const name = props.AlarmName;
        if (typeof name !== 'string') throw new Error(`an ${type} has no literal AlarmName`);
        alarms.push({ name, description: String(props.AlarmDescription ?? '') });
      }
    }
  }
  return alarms;
}

/** `<region>` matches an AWS region, any other `<placeholder>` a name (hyphens allowed: `expense-category`). */
function matcherOf(pattern: string): RegExp {
  const parts = pattern.split(/(<[^>]+>)/).map((part) => {
    if (part === '<region>') return '[a-z]{2}(?:-[a-z]+)+-\\d';
    if (/^<[^>]+>$/.test(part)) return '[A-Za-z0-9_.-]+';
    return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('')}$`);
}

export function runbookSections(dir: string): RunbookSection[] {
  const sections: RunbookSection[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
    let current: { pattern: string; lines: string[] } | undefined;
    const close = () => {
      if (current) {
        sections.push({
          page: `${path.basename(dir)}/${file}`,
          pattern: current.pattern,
          matcher: matcherOf(current.pattern),
          body: current.lines.join('\n'),
        });
      }
    };
    for (const line of lines) {
      const heading = HEADING.exec(line);
      if (heading) {
        close();
        current = { pattern: heading[1]!, lines: [] };
      } else {
        current?.lines.push(line);
      }
    }
    close();
  }
  return sections;
}

/** The page an alarm description names (`Runbook: runbooks/<page>.md`). */
export const runbookOf = (description: string): string | undefined =>
  /Runbook: ([a-z0-9-]+\/[a-z0-9-]+\.md)/.exec(description)?.[1];

/** The severity an alarm description states (`Severity: critical.`). */
export const severityOf = (description: string): string | undefined =>
  /Severity: (critical|warning)\./.exec(description)?.[1];

export function runbookProblems(alarms: readonly DeployedAlarm[], root: string, dir = 'runbooks'): string[] {
  const sections = runbookSections(path.join(root, dir));
  const problems: string[] = [];
  for (const alarm of alarms) {
    const page = runbookOf(alarm.description);
    if (page === undefined) {
      problems.push(`${alarm.name}: its description names no runbook page`);
      continue;
    }
    if (!existsSync(path.join(root, page))) {
      problems.push(`${alarm.name}: ${page} does not exist`);
      continue;
    }
    const section = sections.find((s) => s.page === page && s.matcher.test(alarm.name));
    if (!section) {
      problems.push(`${alarm.name}: ${page} has no "Alarm:" section for it`);
      continue;
    }
    const severity = severityOf(alarm.description);
    const stated = /\*\*Severity:\*\*([^\n]*(?:\n(?!\n)[^\n]*)*)/.exec(section.body)?.[1] ?? '';
    if (severity === undefined || !stated.includes(severity)) {
      problems.push(
        `${alarm.name}: the section in ${page} does not state its severity (${severity ?? 'none'})`,
      );
    }
  }
  for (const section of sections) {
    const documented = alarms.some(
      (a) => runbookOf(a.description) === section.page && section.matcher.test(a.name),
    );
    if (!documented)
      problems.push(`${section.page}: "${section.pattern}" is not an alarm that names this page`);
  }
  return problems;
}
