/**
 * Evaluation outside the search's process: a pool of local worker processes behind the search's
 * asynchronous {@link dev.evonorm.search.Evaluator}. DJL records gradients for one thread per JVM,
 * so training candidates in parallel means several processes. The search process keeps the cheap
 * screens and the functional cache; workers run the training stages. Knows nothing of search
 * policy (what to propose, whom to keep).
 */
package dev.evonorm.cluster;
