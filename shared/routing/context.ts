/**
 * What the router may know about the user's own code: the repositories of the machine a
 * message would run on, each with a bounded vocabulary (dependency names, scripts, folder
 * and file names, frequent identifiers) sent by the runner. Optional everywhere: the router
 * decides without it, and leans to Code when a message names things from the user's code.
 */

import { z } from 'zod';

const utf8 = new TextEncoder();

/** At most this many terms per repository. */
export const MAX_VOCABULARY_TERMS = 20_000;
/** At most this many bytes of terms (UTF-8, summed) per repository. */
export const MAX_VOCABULARY_BYTES = 256 * 1024;

/** One repository's vocabulary: lowercase terms, each at most 100 characters. */
export const RepoVocabularySchema = z
  .object({ terms: z.array(z.string().min(1).max(100)).max(MAX_VOCABULARY_TERMS) })
  .refine((vocabulary) => vocabulary.terms.reduce((bytes, term) => bytes + utf8.encode(term).length, 0) <= MAX_VOCABULARY_BYTES, {
    message: `a repository vocabulary holds at most ${MAX_VOCABULARY_BYTES} bytes of terms`,
  });

/** One repository's vocabulary (see {@link RepoVocabularySchema}). */
export type RepoVocabulary = z.infer<typeof RepoVocabularySchema>;

/** A repository the message may run in, by the name the machine gave it. */
export interface RoutingRepo {
  name: string;
  vocabulary?: RepoVocabulary;
}

/** Optional context for {@link import('./route.js').route}: the target machine's repositories. */
export interface RoutingContext {
  repos: ReadonlyArray<RoutingRepo>;
}
