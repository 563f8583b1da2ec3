/**
 * The bundles phase's init rounds: one bare run per SDK package set per round, a rotating order,
 * a function stopped once every round is on one side of the target, a control never stopped.
 */
import {
  measureInitRounds,
  oneSideOfTarget,
  rotated,
  type InitRun,
  type InitSubject,
} from '../../../bench/init-rounds';

const env = {};
const bares = new Map<string, InitRun>([
  ['dynamodb,sqs', { file: 'bare-0.js', env }],
  ['dynamodb,s3', { file: 'bare-1.js', env }],
]);
const subject = (id: string, bare: string, extra: Partial<InitSubject> = {}): InitSubject => ({
  id,
  file: `${id}.js`,
  env,
  bare,
  ...extra,
});

describe('measureInitRounds', () => {
  it('runs each bare handler once per round for all the functions that share it, paired by round', async () => {
    const subjects = [
      subject('A', 'dynamodb,sqs'),
      subject('B', 'dynamodb,sqs'),
      subject('C', 'dynamodb,s3'),
    ];
    // Every function at 1.15x then 1.25x its bare handler in turn: never clear, all 3 rounds; the
    // bare handlers a little slower every round.
    let round = 0;
    const measure = (run: InitRun) => {
      const bareMs = (run.file === 'C.js' || run.file === 'bare-1.js' ? 200 : 100) + round;
      if (run.file.startsWith('bare')) return bareMs;
      return bareMs * (round % 2 === 0 ? 1.15 : 1.25);
    };
    const result = await measureInitRounds(subjects, bares, {
      minRounds: 2,
      maxRounds: 3,
      atMost: 1.2,
      measure,
      onRound: () => void (round += 1),
    });

    // 3 functions + 2 bare handlers per round, 3 rounds: 15 processes instead of 18.
    expect(result.processes).toBe(15);
    const a = result.subjects.find((s) => s.id === 'A')!;
    const b = result.subjects.find((s) => s.id === 'B')!;
    expect(a.rounds).toBe(3);
    expect(a.bare).toEqual(b.bare); // the same bare runs, round by round
    expect(a.bare).toEqual([100, 101, 102]);
    expect(result.subjects.find((s) => s.id === 'C')!.bare).toEqual([200, 201, 202]);
  });

  it('rotates the order each round, so every run takes every place in turn (as many rounds as runs)', async () => {
    const subjects = [subject('A', 'dynamodb,sqs'), subject('B', 'dynamodb,s3')];
    const calls: string[] = [];
    await measureInitRounds(subjects, bares, {
      minRounds: 4,
      maxRounds: 4,
      atMost: 1.2,
      measure: (run) => (calls.push(run.file), 100),
    });
    const rounds = [0, 1, 2, 3].map((r) => calls.slice(r * 4, r * 4 + 4));
    expect(rounds[0]).toEqual(['A.js', 'bare-0.js', 'B.js', 'bare-1.js']);
    expect(rounds[1]).toEqual(['bare-0.js', 'B.js', 'bare-1.js', 'A.js']);
    for (const file of ['A.js', 'B.js', 'bare-0.js', 'bare-1.js']) {
      expect(rounds.map((round) => round.indexOf(file)).sort()).toEqual([0, 1, 2, 3]);
    }
  });

  it('stops a function from minRounds on once every round is on one side; the others and the control run on', async () => {
    const subjects = [
      subject('Clearly over', 'dynamodb,sqs'),
      subject('Clearly under', 'dynamodb,sqs'),
      subject('Near the target', 'dynamodb,s3'),
      subject('control', 'dynamodb,sqs', { file: 'bare-copy.js', allRounds: true }),
    ];
    let round = 0;
    const measure = (run: InitRun) => {
      if (run.file === 'Clearly over.js') return 180; // 1.8x
      if (run.file === 'Clearly under.js') return 105; // 1.05x
      if (run.file === 'Near the target.js') return round % 2 === 0 ? 115 : 125; // 1.15x / 1.25x
      return 100;
    };
    const result = await measureInitRounds(subjects, bares, {
      minRounds: 5,
      maxRounds: 7,
      atMost: 1.2,
      measure,
      onRound: () => void (round += 1),
    });
    const rounds = Object.fromEntries(result.subjects.map((s) => [s.id, [s.rounds, s.stoppedEarly]]));
    expect(rounds).toEqual({
      'Clearly over': [5, true],
      'Clearly under': [5, true],
      'Near the target': [7, false],
      control: [7, false],
    });
    // Rounds 1-5: 4 subjects + 2 bare; rounds 6-7: the near one, the control and their 2 bare.
    expect(result.processes).toBe(5 * 6 + 2 * 4);
  });

  it('never stops a function before minRounds, however clear', async () => {
    const result = await measureInitRounds([subject('A', 'dynamodb,sqs')], bares, {
      minRounds: 3,
      maxRounds: 7,
      atMost: 1.2,
      measure: (run) => (run.file === 'A.js' ? 300 : 100),
    });
    expect(result.subjects[0]).toMatchObject({ rounds: 3, stoppedEarly: true });
  });

  it('refuses a subject without its bare handler and rounds that make no sense', async () => {
    const measure = () => 100;
    await expect(
      measureInitRounds([subject('A', 'kms')], bares, { minRounds: 1, maxRounds: 2, atMost: 1.2, measure }),
    ).rejects.toThrow(/A has no bare handler kms/);
    await expect(
      measureInitRounds([subject('A', 'dynamodb,sqs')], bares, {
        minRounds: 3,
        maxRounds: 2,
        atMost: 1.2,
        measure,
      }),
    ).rejects.toThrow(/minRounds <= maxRounds/);
  });
});

describe('measureInitRounds, a bare handler shared by many', () => {
  it('runs it once after every 4 of its functions a round, and rates each against all those runs', async () => {
    const subjects = Array.from({ length: 9 }, (_, i) => subject(`F${i}`, 'dynamodb,sqs'));
    const calls: string[] = [];
    let bareRun = 0;
    const result = await measureInitRounds(subjects, bares, {
      minRounds: 2,
      maxRounds: 2,
      atMost: 1.2,
      measure: (run) => {
        calls.push(run.file);
        return run.file === 'bare-0.js' ? 100 + (bareRun += 1) : 150;
      },
    });
    // 9 functions and 3 bare runs a round (after the 4th, the 8th and the last).
    expect(result.processes).toBe(2 * 12);
    expect(calls.slice(0, 12)).toEqual([
      'F0.js',
      'F1.js',
      'F2.js',
      'F3.js',
      'bare-0.js',
      'F4.js',
      'F5.js',
      'F6.js',
      'F7.js',
      'bare-0.js',
      'F8.js',
      'bare-0.js',
    ]);
    const f0 = result.subjects[0]!;
    expect(f0.bare).toEqual([101, 102, 103, 104, 105, 106]);
    expect(f0.bareByRound).toEqual([102, 105]);
  });
});

describe('measureInitRounds order', () => {
  it('spreads each run over the round when a round has more runs than there are rounds', async () => {
    // 6 functions + 2 bare handlers = 8 runs a round, 4 rounds: each round starts 2 runs further on.
    const subjects = ['A', 'B', 'C', 'D', 'E', 'F'].map((id, i) =>
      subject(id, i % 2 === 0 ? 'dynamodb,sqs' : 'dynamodb,s3'),
    );
    // A round: A C E bare-0 B D F bare-1.
    const calls: string[] = [];
    await measureInitRounds(subjects, bares, {
      minRounds: 4,
      maxRounds: 4,
      atMost: 1.2,
      measure: (run) => (calls.push(run.file), 100),
    });
    const places = (file: string) => [0, 1, 2, 3].map((r) => calls.slice(r * 8, r * 8 + 8).indexOf(file));
    expect(places('A.js')).toEqual([0, 6, 4, 2]);
    expect(places('bare-1.js')).toEqual([7, 5, 3, 1]);
  });
});

describe('measureInitRounds, several runs at once', () => {
  it('starts the runs in the round order, never more than `concurrency` at once, each time kept with its run', async () => {
    const subjects = ['A', 'B', 'C', 'D'].map((id) => subject(id, 'dynamodb,sqs'));
    const started: string[] = [];
    let running = 0;
    let most = 0;
    // A run's time is told by its file, and later runs finish first: the results must not mix up.
    const timeOf = (file: string) => (file.startsWith('bare') ? 100 : 100 + file.charCodeAt(0));
    const result = await measureInitRounds(subjects, bares, {
      minRounds: 1,
      maxRounds: 1,
      atMost: 1.2,
      concurrency: 2,
      measure: async (run) => {
        started.push(run.file);
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5 * (6 - started.length)));
        running -= 1;
        return timeOf(run.file);
      },
    });
    expect(most).toBe(2);
    expect(started).toEqual(['A.js', 'B.js', 'C.js', 'D.js', 'bare-0.js']);
    expect(result.processes).toBe(5);
    expect(result.subjects.map((s) => [s.id, s.init, s.bare])).toEqual([
      ['A', [165], [100]],
      ['B', [166], [100]],
      ['C', [167], [100]],
      ['D', [168], [100]],
    ]);
  });
});

describe('oneSideOfTarget', () => {
  it('is true when every round is at most the target, or every round above it', async () => {
    expect(oneSideOfTarget([110, 120, 119], [100, 100, 100], 1.2)).toBe(true);
    expect(oneSideOfTarget([121, 150, 130], [100, 100, 100], 1.2)).toBe(true);
    expect(oneSideOfTarget([110, 121, 119], [100, 100, 100], 1.2)).toBe(false);
  });

  it('pairs each init run with the bare run of its own round', async () => {
    // 130/100 and 130/120: over and under the target in turn.
    expect(oneSideOfTarget([130, 130], [100, 120], 1.2)).toBe(false);
  });
});

describe('rotated', () => {
  it('moves the first `by` items to the end, any number of times around', async () => {
    expect(rotated([1, 2, 3], 1)).toEqual([2, 3, 1]);
    expect(rotated([1, 2, 3], 4)).toEqual([2, 3, 1]);
    expect(rotated([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(rotated([], 2)).toEqual([]);
  });
});
