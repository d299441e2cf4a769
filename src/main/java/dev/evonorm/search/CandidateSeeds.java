package dev.evonorm.search;

import java.util.SplittableRandom;

/**
 * Each candidate draws its randomness from its own generator, derived from the run seed and the
 * candidate's id. No generator state has to be saved: a resumed run re-derives exactly the
 * generator the interrupted proposal would have used.
 */
final class CandidateSeeds {
    private CandidateSeeds() {
    }

    static SplittableRandom forCandidate(long runSeed, long candidateId) {
        return new SplittableRandom(mix(runSeed) ^ mix(candidateId * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
    }

    /** Stafford's mix13 finalizer: spreads nearby inputs over all 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
