import { DispatchError } from '../../shared/errors.js';
import { JobSpecSchema, MAX_TASK_LENGTH, type JobSpec } from '../../shared/sessions.js';

/** The refusal of a task or follow-up over the length limit, with both numbers. */
export function taskTooLong(length: number): string {
  return `The task is ${length.toLocaleString('en-US')} characters long; the limit is ${MAX_TASK_LENGTH.toLocaleString('en-US')}.`;
}

/** A job as the runner accepts it, or a bad_input error that says what is wrong (too long and empty first, in words). */
export function validateJob(job: JobSpec): JobSpec {
  const task: unknown = (job as { task?: unknown } | undefined)?.task;
  if (typeof task === 'string' && task.length > MAX_TASK_LENGTH) throw new DispatchError('bad_input', taskTooLong(task.length));
  if (typeof task === 'string' && !task.trim()) throw new DispatchError('bad_input', 'The task is empty.');
  const parsed = JobSpecSchema.safeParse(job);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'job'}: ${issue.message}`);
    throw new DispatchError('bad_input', `Invalid job — ${problems.join('; ')}`);
  }
  return parsed.data;
}
