import { describe, expect, it } from 'vitest';
import { startStageProgress } from './stage-progress.js';

describe('startStageProgress (plain lines)', () => {
  it('says ETA 0s, not "?", when everything was stored earlier or the stage is empty', () => {
    let text = '';
    const sink = {
      write: (line: string) => {
        text += line;
      },
      interactive: false,
    };
    startStageProgress(sink, { stage: 'generate', total: 4, alreadyDone: 4 }).finish();
    startStageProgress(sink, { stage: 'judge', total: 0 }).finish();
    expect(text).toBe(
      'generate: 4/4 (4 stored earlier), 0.00/s, ETA 0s, 0 tokens\njudge: 0/0, 0.00/s, ETA 0s, 0 tokens\n',
    );
  });

  it('keeps the ETA unknown while work remains and nothing has finished yet', () => {
    let text = '';
    const progress = startStageProgress(
      {
        write: (line: string) => {
          text += line;
        },
        interactive: false,
      },
      { stage: 'judge', total: 3 },
    );
    progress.finish();
    expect(text).toContain('judge: 0/3, 0.00/s, ETA ?');
  });
});
