import { createGraderClient, type GraderClient } from '../../src/grading/create-grader-client.js';
import type { GradeInput, Grader } from '../../src/grading/grader.js';
import type { Grade } from '../../src/records/grade.js';

/** A grader behind the one grader client, as every product caller holds it (role `grader` unless said). */
export function graderClient(grader: Grader, role: string | null = 'grader'): GraderClient<GradeInput, Grade> {
  return createGraderClient(grader, { role, modelId: role === null ? null : 'test:model' });
}
