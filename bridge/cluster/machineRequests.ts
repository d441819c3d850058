import type pg from 'pg';
import { z } from 'zod';
import { bridgeToRunner } from '../../shared/protocol/bridgeRunner.js';
import type { ErrorCode } from '../../shared/errors.js';

/**
 * What one bridge asks of a machine whose link another bridge holds, as stored in
 * `machine_requests`. Jobs and approval decisions need no request: they are in the
 * store already, and the holder delivers them when woken (see remoteMachines.ts).
 */
export const MachineRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cancel'), jobId: z.string().min(1).max(100), payload: z.object({}) }),
  z.object({ kind: z.literal('followUp'), jobId: z.string().min(1).max(100), payload: z.object({ text: z.string().min(1).max(20_000) }) }),
  /** A person pressed End grant: the holder asks the runner to end that "Approve 30 min" grant. */
  z.object({ kind: z.literal('endGrant'), jobId: z.string().min(1).max(100), payload: z.object({ grantId: z.string().min(1).max(100) }) }),
  z.object({ kind: z.literal('ship'), jobId: z.string().min(1).max(100), payload: bridgeToRunner['session/ship'].params.omit({ sessionId: true }) }),
  /** Someone paired or unpaired: the holder tells the machine whether anyone is paired now. */
  z.object({ kind: z.literal('pairing'), jobId: z.null(), payload: z.object({}) }),
  /** The machine was revoked (the credential is revoked in the store already): close its live link. */
  z.object({ kind: z.literal('revoke'), jobId: z.null(), payload: z.object({}) }),
  /** A note for the machine's owner (pairing paused bridge-wide). */
  z.object({ kind: z.literal('tell'), jobId: z.null(), payload: z.object({ notice: z.string().min(1).max(1_000) }) }),
]);
export type MachineRequest = z.infer<typeof MachineRequestSchema>;

/** The holder's answer: what its link call returned, or the error it threw (its message is for people). */
export const RequestAnswerSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), code: z.string().max(40), message: z.string().max(2_000) }),
]);
export type RequestAnswer = z.infer<typeof RequestAnswerSchema>;

export interface TakenRequest {
  id: string;
  machineId: string;
  request: MachineRequest;
}

/** A request's answer as the asker reads it: not yet, answered, or gone (withdrawn or pruned). */
export type AnswerState = { state: 'waiting'; taken: boolean } | { state: 'answered'; answer: RequestAnswer } | { state: 'gone' };

const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** The rows of `machine_requests`: written by the asker, taken once by the holder, answered in place. */
export class PgMachineRequests {
  constructor(private readonly pool: pg.Pool) {}

  /** Stores a request; returns its id (a decimal string, as wake-up payloads are). */
  async create(machineId: string, request: MachineRequest): Promise<string> {
    const result = await this.pool.query<{ id: string }>(
      `INSERT INTO machine_requests (machine_id, job_id, kind, payload, created_at) VALUES ($1, $2, $3, $4, ${NOW_MS}) RETURNING id::text AS id`,
      [machineId, request.jobId, request.kind, JSON.stringify(request.payload)],
    );
    return result.rows[0]!.id;
  }

  /**
   * Takes the open requests of these machines, oldest first: each row goes to one bridge
   * (SKIP LOCKED lets two takers pass each other instead of waiting, and neither gets a row twice).
   */
  async take(bridgeId: string, machineIds: string[], limit = 100): Promise<TakenRequest[]> {
    if (machineIds.length === 0) return [];
    const result = await this.pool.query<{ id: string; machine_id: string; job_id: string | null; kind: string; payload: unknown }>(
      `UPDATE machine_requests SET taken_by = $1
       WHERE id IN (SELECT id FROM machine_requests WHERE taken_by IS NULL AND machine_id = ANY($2) ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id::text AS id, machine_id, job_id, kind, payload`,
      [bridgeId, machineIds, limit],
    );
    const taken: TakenRequest[] = [];
    for (const row of result.rows.sort((a, b) => Number(a.id) - Number(b.id))) {
      // Anyone who can write to the database can write a row: each is checked like any input.
      const parsed = MachineRequestSchema.safeParse({ kind: row.kind, jobId: row.job_id, payload: row.payload });
      if (parsed.success) taken.push({ id: row.id, machineId: row.machine_id, request: parsed.data });
      else await this.answer(row.id, { ok: false, code: 'bad_input', message: 'The request was malformed; nothing was done.' });
    }
    return taken;
  }

  /** Which of these machines have requests nobody took yet. */
  async openFor(machineIds: string[]): Promise<string[]> {
    if (machineIds.length === 0) return [];
    const result = await this.pool.query<{ machine_id: string }>('SELECT DISTINCT machine_id FROM machine_requests WHERE taken_by IS NULL AND machine_id = ANY($1)', [machineIds]);
    return result.rows.map((row) => row.machine_id);
  }

  async answer(id: string, answer: RequestAnswer): Promise<void> {
    await this.pool.query(`UPDATE machine_requests SET answer = $2, answered_at = ${NOW_MS} WHERE id = $1`, [id, JSON.stringify(answer)]);
  }

  async answerOf(id: string): Promise<AnswerState> {
    const result = await this.pool.query<{ taken_by: string | null; answer: unknown }>('SELECT taken_by, answer FROM machine_requests WHERE id = $1', [id]);
    const row = result.rows[0];
    if (!row) return { state: 'gone' };
    if (row.answer === null) return { state: 'waiting', taken: row.taken_by !== null };
    const parsed = RequestAnswerSchema.safeParse(row.answer);
    return { state: 'answered', answer: parsed.success ? parsed.data : { ok: false, code: 'internal', message: 'The other bridge answered something unreadable.' } };
  }

  /** Removes a request nobody took yet; false when a bridge took it meanwhile (it may still be acted on). */
  async withdraw(id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM machine_requests WHERE id = $1 AND taken_by IS NULL', [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async remove(id: string): Promise<void> {
    await this.pool.query('DELETE FROM machine_requests WHERE id = $1', [id]);
  }

  /** Drops rows nobody will read: answered ones after `answeredMs`, any after `maxAgeMs` (their asker gave up long ago). */
  async prune(answeredMs: number, maxAgeMs: number): Promise<number> {
    const result = await this.pool.query(`DELETE FROM machine_requests WHERE (answered_at IS NOT NULL AND answered_at < ${NOW_MS} - $1) OR created_at < ${NOW_MS} - $2`, [answeredMs, maxAgeMs]);
    return result.rowCount ?? 0;
  }
}

/** An error code read back from another bridge's answer, kept to the codes Dispatch knows. */
export function errorCodeOf(code: string): ErrorCode {
  const known: ErrorCode[] = ['bad_input', 'bad_config', 'not_found', 'not_a_repository', 'empty_repository', 'unsupported_task', 'unauthorized', 'forbidden', 'rate_limited', 'conflict', 'offline', 'cancelled', 'agent_failed', 'storage_full', 'internal'];
  return known.find((candidate) => candidate === code) ?? 'internal';
}
