/**
 * @module grading/grader
 * A Grader turns one eval response into a Grade. Graders never throw for a bad model output: they return an unscored Grade.
 */
import type { Grade } from '../records/grade.js';
import type { Message } from '../records/message.js';

export interface GradeInput {
  /** Eval item id. */
  itemId: string;
  /** The conversation the target saw (after transforms). */
  messages: Message[];
  /** The conversation before transforms, when a transform changed it (a judge reads the request as the user wrote it). */
  originalMessages?: Message[];
  /** The original, untransformed request (StrongREJECT grades against the original forbidden prompt). */
  originalRequest: string;
  categories: string[];
  /** What the spec/benchmark expects, when known. */
  expectedAction?: 'allow' | 'refuse' | 'safe-complete' | 'escalate';
  metadata: Record<string, unknown>;
  response: { reasoning: string | null; answer: string };
}

export interface GraderContext {
  signal?: AbortSignal;
}

export interface Grader {
  /** Stable id recorded on every Grade, e.g. 'refusal-offline@1', 'strongreject-rubric@1'. */
  readonly id: string;
  grade(input: GradeInput, context?: GraderContext): Promise<Grade>;
}
