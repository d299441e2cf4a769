package dev.evonorm.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SelectionTest {
    record S(String name, double... accuracies) implements Scored {
    }

    private final S a = new S("a", 0.9, 0.5, 0.5);
    private final S b = new S("b", 0.5, 0.9, 0.5);
    private final S c = new S("c", 0.6, 0.6, 0.6);
    private final S dominated = new S("d", 0.5, 0.5, 0.5);
    private final S best = new S("e", 0.8, 0.8, 0.8);

    @Test
    void paretoFrontKeepsTheNonDominated() {
        assertEquals(List.of(a, b, c), ParetoFront.of(List.of(a, b, c, dominated)));
        assertEquals(List.of(a, b, best), ParetoFront.of(List.of(a, b, c, dominated, best)));
        assertTrue(c.dominates(dominated));
        assertFalse(a.dominates(b));
        assertFalse(c.dominates(c), "nothing dominates itself");
    }

    @Test
    void paretoWinnerIsUniformOverTheFront() {
        SplittableRandom rng = new SplittableRandom(1);
        Set<String> seen = new HashSet<>();
        int[] counts = new int[3];
        for (int i = 0; i < 3000; i++) {
            S w = Selection.PARETO.winner(List.of(dominated, a, b, c), rng);
            seen.add(w.name());
            counts[List.of(a, b, c).indexOf(w)]++;
        }
        assertEquals(Set.of("a", "b", "c"), seen, "the dominated member never wins");
        for (int n : counts) {
            assertTrue(n > 850 && n < 1150, "roughly uniform: " + n);
        }
    }

    @Test
    void averageWinnerHasTheBestMean() {
        assertEquals(a, Selection.AVERAGE.winner(List.of(dominated, a, b), new SplittableRandom(0)), "ties go to the earlier");
        assertEquals(best, Selection.AVERAGE.winner(List.of(a, best, c), new SplittableRandom(0)));
        assertEquals(Selection.PARETO, Selection.fromToken("Pareto"));
        assertThrows(IllegalArgumentException.class, () -> Selection.fromToken("best"));
    }

    @Test
    void agingPopulationDropsTheOldest() {
        AgingPopulation<String> p = new AgingPopulation<>(3);
        assertTrue(p.add("1").isEmpty());
        p.add("2");
        p.add("3");
        assertTrue(p.isFull());
        assertEquals("1", p.add("4").orElseThrow());
        assertEquals(List.of("2", "3", "4"), p.members());
        List<String> t = p.sample(3, new SplittableRandom(5));
        assertEquals(Set.of("2", "3", "4"), new HashSet<>(t), "sampling is without replacement");
        assertThrows(IllegalArgumentException.class, () -> p.sample(4, new SplittableRandom(5)));
        assertThrows(IllegalArgumentException.class, () -> new AgingPopulation<String>(1));
    }

    @Test
    void budgets() {
        assertEquals(Budget.ofCandidates(500), Budget.parse("500"));
        assertEquals(Duration.ofHours(2), Budget.parse("2h").wallTime());
        assertEquals(Duration.ofMinutes(90), Budget.parse("1h30m").wallTime());
        assertEquals("1h30m", Budget.parse("90m").toString());
        assertEquals("45s", Budget.parse("45s").toString());
        assertTrue(Budget.parse("10").exhausted(10, Duration.ZERO));
        assertFalse(Budget.parse("10").exhausted(9, Duration.ofDays(1)));
        assertTrue(Budget.parse("1m").exhausted(0, Duration.ofSeconds(60)));
        for (String bad : new String[] {"0", "-3", "2d", "", "0m", "h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Budget.parse(bad), bad);
            assertTrue(e.getMessage().contains("500") || e.getMessage().contains("2h"), e.getMessage());
        }
    }
}
