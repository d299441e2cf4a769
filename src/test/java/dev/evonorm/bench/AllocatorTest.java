package dev.evonorm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocatorTest {

    @Test
    void namesTheAllocatorFromTheEnvironment() {
        assertTrue(Allocator.describe(Map.of()).startsWith("the C library's malloc"));
        assertTrue(Allocator.describe(Map.of("LD_PRELOAD", " ")).startsWith("the C library's malloc"));
        assertEquals("jemalloc (/usr/lib/libjemalloc.so.2), MALLOC_CONF=dirty_decay_ms:-1",
                Allocator.describe(Map.of("LD_PRELOAD", "/usr/lib/libjemalloc.so.2", "MALLOC_CONF", "dirty_decay_ms:-1")));
        assertEquals("jemalloc (/usr/lib/libjemalloc.so.2), default settings",
                Allocator.describe(Map.of("LD_PRELOAD", "/usr/lib/libjemalloc.so.2")));
        assertEquals("LD_PRELOAD=/opt/libtcmalloc.so", Allocator.describe(Map.of("LD_PRELOAD", "/opt/libtcmalloc.so")));
    }
}
