import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { GrantSchema, type Grant } from '../../shared/sessions.js';
import { writeStateFileAtomic } from './stateFiles.js';

/**
 * Who a grant is for, and where: the person who asked for the session (`slack:U1`) and the
 * repository's path on this machine. A grant never reaches another person's sessions or
 * another repository; a grant book belongs to one machine.
 */
export interface GrantHolder {
  person: string;
  repo: string;
}

const StoredGrantSchema = GrantSchema.extend({ person: z.string().min(1).max(300), repo: z.string().min(1).max(4_096) });
type StoredGrant = z.infer<typeof StoredGrantSchema>;
const FileSchema = z.object({ version: z.literal(1), grants: z.array(StoredGrantSchema).max(10_000) });

/**
 * The machine's standing grants ("Approve 30 min"), shared by every session of the same
 * person in the same repository, kept in one owner-only file written atomically so that a
 * grant outlives a runner restart until it expires. Expired grants are dropped as they are met.
 */
export class GrantBook {
  private grants: StoredGrant[];

  /** `file` absent: in memory only (tests, a policy built on its own). */
  constructor(private readonly clock: Clock, private readonly file?: string) {
    this.grants = file ? load(file) : [];
  }

  /** The live grant covering `scope` for this holder, if any. */
  find(holder: GrantHolder, scope: string): Grant | undefined {
    this.prune();
    const found = this.grants.find((grant) => grant.person === holder.person && grant.repo === holder.repo && grant.scope === scope);
    return found && publicGrant(found);
  }

  /** Records a grant; one given again for the same scope replaces the earlier one. */
  add(holder: GrantHolder, grant: Grant): void {
    this.prune();
    this.grants = this.grants.filter((g) => !(g.person === holder.person && g.repo === holder.repo && g.scope === grant.scope));
    this.grants.push({ ...grant, ...holder });
    this.save();
  }

  /** Ends a grant early. Only its own person may; undefined when there is no such live grant. */
  end(grantId: string, person: string): Grant | undefined {
    this.prune();
    const found = this.grants.find((grant) => grant.grantId === grantId && grant.person === person);
    if (!found) return undefined;
    this.grants = this.grants.filter((grant) => grant !== found);
    this.save();
    return publicGrant(found);
  }

  private prune(): void {
    // Read afresh: the file is the truth (small), so a restarted runner sees what the last one gave.
    if (this.file) this.grants = load(this.file);
    const now = this.clock.now();
    const live = this.grants.filter((grant) => grant.expiresAt > now);
    if (live.length === this.grants.length) return;
    this.grants = live;
    this.save();
  }

  private save(): void {
    if (this.file) writeStateFileAtomic(this.file, JSON.stringify({ version: 1, grants: this.grants }));
  }
}

function publicGrant(stored: StoredGrant): Grant {
  const { person: _person, repo: _repo, ...grant } = stored;
  return grant;
}

/** An unreadable file asks again rather than guessing: grants fail closed. */
function load(file: string): StoredGrant[] {
  if (!existsSync(file)) return [];
  try {
    return FileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).grants;
  } catch {
    return [];
  }
}
